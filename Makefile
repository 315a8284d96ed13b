# Thin aliases: the work is done by tools/course.py, so `python3 tools/course.py lab` (or test)
# does the same on a machine without make.
PYTHON ?= python3

.PHONY: lab test setup
lab:
	$(PYTHON) tools/course.py lab
test:
	$(PYTHON) tools/course.py test
setup:
	$(PYTHON) tools/course.py setup
