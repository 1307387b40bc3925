"""Measurement: matching, run drift, accuracy against truth, variance and consensus.

Pure functions of findings and runs (they import only `assay.model` and `assay.errors`),
so every metric can be checked on plain data. Orchestration that runs scanners or reads
the ledger lives in `assay.app.measure`.
"""

from assay.measure.consensus import Consensus, ConsensusSpec, consensus, parse_consensus
from assay.measure.drift import DriftReport, measure_drift
from assay.measure.errors import MeasureError
from assay.measure.evaluate import EvalReport, evaluate, label_precision
from assay.measure.matching import DEFAULT_TOLERANCE, Matching, jaccard, match
from assay.measure.support import Cluster, cluster_runs
from assay.measure.truth import Granularity, Truth, TruthItem
from assay.measure.variance import CompareReport, compare_runs

__all__ = [
    "DEFAULT_TOLERANCE",
    "Cluster",
    "CompareReport",
    "Consensus",
    "ConsensusSpec",
    "DriftReport",
    "EvalReport",
    "Granularity",
    "Matching",
    "MeasureError",
    "Truth",
    "TruthItem",
    "cluster_runs",
    "compare_runs",
    "consensus",
    "evaluate",
    "jaccard",
    "label_precision",
    "match",
    "measure_drift",
    "parse_consensus",
]
