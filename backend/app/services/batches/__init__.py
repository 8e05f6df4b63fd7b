"""Batches: many workflow or video submits in one transaction, and their combined status."""
