"""Workflows: topic → script → voice → render → publish as steps, from the API's side
(submit, read, retry, cancel) and the worker's (the step runtime)."""
