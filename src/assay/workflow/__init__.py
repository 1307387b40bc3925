"""The gate workflow: change-risk tiering, baselines, the finding lifecycle, proofs, the gate."""
