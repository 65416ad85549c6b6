"""Importers of primary sources: ClinicalTrials.gov study records, openFDA applications."""
