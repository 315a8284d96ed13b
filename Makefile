# Thin aliases: the work is done by tools/course.py, so `python3 tools/course.py lab` (or test)
# does the same on a machine without make. lab, app, slides and site open or build the course;
# test runs every test.
PYTHON ?= python3

.PHONY: lab test setup app slides site
lab:
	$(PYTHON) tools/course.py lab
test:
	$(PYTHON) tools/course.py test
setup:
	$(PYTHON) tools/course.py setup
app:
	$(PYTHON) tools/course.py app
slides:
	$(PYTHON) tools/course.py slides
site:
	$(PYTHON) tools/course.py site
