"""Run R code from a test and get its results back as Python data.

    result = run_r(rscript, '''
        library(psych)
        k <- cohen.kappa(pairs)
        result <- list(kappa = k$kappa, se = sqrt(k$var.kappa))
    ''', pairs=frame)

Each keyword argument becomes a data frame of that name in R (read from a CSV in a temporary
directory; NaN/None become NA). The code must assign a (nested) list to ``result``; it is
written as JSON by a small writer defined here (no R package needed), with 17 significant
digits, and returned as a dict. ``NA``/``NaN``/``Inf`` come back as ``None``; a length-one
vector comes back as a scalar, longer vectors as lists, matrices as lists of rows.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["RError", "run_r"]


class RError(RuntimeError):
    """Rscript failed; the message carries R's error output."""


_JSON_WRITER = r"""
.samsyn_json <- function(x) {
  esc <- function(s) {
    s <- gsub("\\", "\\\\", s, fixed = TRUE)
    s <- gsub("\"", "\\\"", s, fixed = TRUE)
    s <- gsub("\n", "\\n", s, fixed = TRUE)
    s <- gsub("\t", "\\t", s, fixed = TRUE)
    paste0("\"", s, "\"")
  }
  scalar <- function(v) {
    if (is.na(v)) return("null")
    if (is.logical(v)) return(if (v) "true" else "false")
    if (is.numeric(v)) {
      if (!is.finite(v)) return("null")
      return(sprintf("%.17g", v))
    }
    esc(as.character(v))
  }
  if (is.null(x)) return("null")
  if (is.factor(x)) x <- as.character(x)
  if (is.data.frame(x)) x <- as.list(x)
  if (is.matrix(x)) {
    rows <- vapply(seq_len(nrow(x)), function(i) .samsyn_json(unname(x[i, ])), "")
    return(paste0("[", paste(rows, collapse = ","), "]"))
  }
  if (is.list(x)) {
    parts <- vapply(x, .samsyn_json, "")
    nm <- names(x)
    if (!is.null(nm) && all(nzchar(nm))) {
      return(paste0("{", paste(paste0(esc(nm), ":", parts), collapse = ","), "}"))
    }
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  x <- unname(x)
  if (length(x) == 1) return(scalar(x))
  paste0("[", paste(vapply(as.list(x), scalar, ""), collapse = ","), "]")
}
"""


def _write_csv(path: Path, frame: Any) -> None:
    if hasattr(frame, "to_csv"):  # pandas DataFrame / Series
        frame.to_csv(path, index=False, na_rep="NA")
        return
    if isinstance(frame, dict):
        names = list(frame)
        columns = [np.asarray(frame[name], dtype=object).ravel() for name in names]
    else:
        arr = np.asarray(frame, dtype=object)
        if arr.ndim == 1:
            arr = arr[:, None]
        names = [f"V{i + 1}" for i in range(arr.shape[1])]
        columns = [arr[:, i] for i in range(arr.shape[1])]

    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "NA"
        if isinstance(value, float | np.floating):
            return repr(float(value))
        return str(value)

    lines = [",".join(names)]
    lines += [",".join(cell(col[i]) for col in columns) for i in range(len(columns[0]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_r(rscript: str, code: str, *, timeout: float = 180, **frames: Any) -> Any:
    """Run ``code`` with ``Rscript --vanilla`` and return the JSON-decoded ``result``.

    Keyword arguments are data: a pandas DataFrame, a dict of columns, or a 1-/2-D array
    (columns named V1, V2, ...). Raises :class:`RError` with R's stderr when R fails.
    """
    with tempfile.TemporaryDirectory(prefix="samsyn-r-") as tmp:
        folder = Path(tmp)
        lines = ["options(warn = 1)", _JSON_WRITER]
        for name, frame in frames.items():
            if not name.isidentifier():
                raise ValueError(f"{name!r} is not a valid R name.")
            path = folder / f"{name}.csv"
            _write_csv(path, frame)
            lines.append(f"{name} <- read.csv({json.dumps(str(path))}, check.names = FALSE)")
        out = folder / "result.json"
        lines.append(code)
        lines.append(f"writeLines(.samsyn_json(result), {json.dumps(str(out))}, useBytes = TRUE)")
        script = folder / "script.R"
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        proc = subprocess.run(
            [rscript, "--vanilla", str(script)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            raise RError(f"Rscript failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(out.read_text(encoding="utf-8"))
