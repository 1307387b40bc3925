"""The use cases: the one layer that composes the others.

One module per use case — `scan`, `gate`, `prove`, `measure`, `report`, `label`,
`replay` — called by the command line and by library users (`assay.api` re-exports the
public functions). Below it: `assay.project` (the project, its configuration and state),
then the packages that do the work (`repo`, `scanners`, `ledger`, `measure`, `workflow`,
`formats`, `report`). Nothing below imports this package.
"""
