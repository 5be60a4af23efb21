import os as _os

# Numerical work here is many small matrices: multi-threaded BLAS only adds contention (with
# several app threads and task workers, OpenBLAS threads busy-wait for CPUs; measured: a
# round's reliability fit took 47 s with 2 BLAS threads on a loaded 2-core machine, 10 s with
# one). Set before numpy is first imported; an explicit setting in the environment wins.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")
