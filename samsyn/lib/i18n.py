"""Framework strings that Django's own Swedish catalogue lacks.

Django 6.1 labels the empty choice of every dropdown `BLANK_CHOICE_LABEL` ("- Select an
option -"), a string its Swedish catalogue does not translate yet. Marking it here keeps the
translation in the project-wide catalogue (`locale/sv/`), which Django reads before its own, so
every dropdown in every form says it in Swedish.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

FRAMEWORK_STRINGS = (gettext_noop("- Select an option -"),)
