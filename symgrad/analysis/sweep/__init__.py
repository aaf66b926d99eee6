"""Sweeps: a grid of chains computed on Dask distributed, results as a Parquet folder.

* :mod:`~symgrad.analysis.sweep.grid` -- the TOML grid, expanded into cells with stable ids;
* :mod:`~symgrad.analysis.sweep.cells` -- one cell: certified dF/dw_1, each format's value
  and events;
* :mod:`~symgrad.analysis.sweep.engine` -- the Dask orchestration (LocalCluster or
  ``--scheduler``), resumable, retries, Ctrl-C;
* :mod:`~symgrad.analysis.sweep.store` -- Parquet parts and ``manifest.json``;
* :mod:`~symgrad.analysis.sweep.phase` -- the phase-diagram data of ``sweep-plot``.

>>> from symgrad.analysis.sweep import grid_from_dict
>>> len(grid_from_dict({"depth": [2, 3], "weights": "1"}).cells)
2
"""

from symgrad.analysis.sweep.grid import Grid, grid_from_dict, load_grid

__all__ = ["Grid", "grid_from_dict", "load_grid"]
