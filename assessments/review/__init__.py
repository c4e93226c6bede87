"""Review of evidence: reviewer pools and assignment, the workflow, deadlines, calibration and quality."""
