"""Charts as inline SVG strings, drawn with matplotlib.

Every function returns the text of one `<svg>` element, ready to be placed in an HTML
page: no XML declaration, no DOCTYPE, no creation date, and element ids derived from a
fixed salt, so the same data gives byte-identical SVG. Text stays text (`svg.fonttype =
none`), which keeps files small and lets the browser pick a sans-serif font. Figures are
built with the object API (`Figure`), never pyplot, so nothing global is touched and no
display is needed.

Labels (scanner names, run ids, commits) are untrusted text: matplotlib never parses text
as mathtext or TeX here (`text.parse_math` and `text.usetex` are off for every artist,
tick labels and legends included), and each label is passed through `_label`, which
shows control characters as escapes. The SVG writer escapes `<`, `>` and `&`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from assay.formats.escape import visible

PALETTE = ("#3465a4", "#f57900", "#4e9a06", "#75507b", "#cc0000", "#c4a000", "#555753")
_RC: dict[str, object] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "text.parse_math": False,
    "text.usetex": False,
}
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_HREF = re.compile(r'href="#([^"]+)"')


def _label(text: str) -> str:
    """A label as matplotlib gets it: literal, with control characters escaped."""
    return visible(text)


def _labels(texts: Sequence[str]) -> list[str]:
    return [_label(t) for t in texts]


def _style(salt: str = "") -> AbstractContextManager[None]:
    """Our rc settings, plus the id salt that makes the SVG reproducible."""
    settings: Any = {**_RC, "svg.hashsalt": f"assay-{salt}"}
    import matplotlib  # loaded when a chart is drawn, not when assay starts

    return matplotlib.rc_context(settings)


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval, for one labelled row."""

    label: str
    value: float
    low: float
    high: float


def render_svg(fig: Figure, salt: str) -> str:
    """Serialize a figure to an inline `<svg>` element, deterministically."""
    buffer = io.StringIO()
    with _style(salt):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "assay"},
                    bbox_inches="tight")
    text = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    return _scope_ids(text, salt).strip() + "\n"


def _scope_ids(svg: str, prefix: str) -> str:
    """Prefix every element id (and reference to one) so several SVGs share a page."""
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return _HREF.sub(lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure  # see _style
    with _style():
        return Figure(figsize=(width, height), dpi=96, layout="constrained")


def histogram(series: Mapping[str, Sequence[float]], *, bins: Sequence[float], title: str,
              xlabel: str, ylabel: str = "count", salt: str = "histogram") -> str:
    """Overlaid step histograms, one per named series, over fixed bin edges."""
    with _style():
        fig = _figure(6.0, 2.8)
        ax = fig.add_subplot()
        for i, (name, values) in enumerate(series.items()):
            ax.hist(list(values), bins=list(bins), histtype="step", linewidth=1.6,
                    color=PALETTE[i % len(PALETTE)], label=_label(name))
        _finish(ax, title, xlabel, ylabel, legend=len(series) > 1)
        return render_svg(fig, salt)


def bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], *, title: str,
         xlabel: str, ylabel: str, errors: Mapping[str, Sequence[tuple[float, float]]] | None
         = None, ylim: tuple[float, float] | None = None, salt: str = "bars") -> str:
    """Grouped vertical bars; `errors` gives (low, high) interval ends per bar."""
    with _style():
        fig = _figure(max(4.0, min(9.0, 1.0 + 0.45 * len(categories) * len(series))), 2.8)
        ax = fig.add_subplot()
        width = 0.8 / max(1, len(series))
        for i, (name, values) in enumerate(series.items()):
            xs = [c + (i - (len(series) - 1) / 2) * width for c in range(len(categories))]
            yerr = _yerr(values, errors.get(name) if errors else None)
            ax.bar(xs, list(values), width=width * 0.92, color=PALETTE[i % len(PALETTE)],
                   label=_label(name), yerr=yerr, capsize=3 if yerr is not None else 0,
                   error_kw={"elinewidth": 1.0, "ecolor": "#2e3436"})
        ax.set_xticks(range(len(categories)), _labels(categories),
                      rotation=30 if max(map(len, categories), default=0) > 8 else 0,
                      ha="right" if max(map(len, categories), default=0) > 8 else "center")
        if ylim is not None:
            ax.set_ylim(*ylim)
        _finish(ax, title, xlabel, ylabel, legend=len(series) > 1)
        return render_svg(fig, salt)


def _yerr(values: Sequence[float],
          intervals: Sequence[tuple[float, float]] | None) -> list[list[float]] | None:
    if not intervals:
        return None
    lows = [max(0.0, v - lo) for v, (lo, _) in zip(values, intervals, strict=True)]
    highs = [max(0.0, hi - v) for v, (_, hi) in zip(values, intervals, strict=True)]
    return [lows, highs]


def intervals(panels: Mapping[str, Sequence[Interval]], *, title: str,
              salt: str = "intervals") -> str:
    """Point estimates with horizontal interval bars on a 0..1 axis, one panel per metric."""
    rows = max((len(p) for p in panels.values()), default=1)
    with _style():
        fig = _figure(3.0 * max(1, len(panels)) + 1.5, 0.9 + 0.32 * rows)
        axes = fig.subplots(1, max(1, len(panels)), sharey=True, squeeze=False)[0]
        for i, (ax, (metric, items)) in enumerate(zip(axes, panels.items(), strict=False)):
            ys = list(range(len(items)))[::-1]
            colour = PALETTE[i % len(PALETTE)]
            ax.hlines(ys, [it.low for it in items], [it.high for it in items],
                      color=colour, linewidth=2.0)
            ax.plot([it.value for it in items], ys, "o", color=colour, markersize=5)
            ax.set_yticks(ys, _labels([it.label for it in items]))
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.7, len(items) - 0.3)
            ax.set_title(_label(metric))
            ax.grid(axis="x", color="#d3d7cf", linewidth=0.6)
        fig.suptitle(_label(title), fontsize=10, fontweight="bold")
        return render_svg(fig, salt)


def heatmap(labels: Sequence[str], matrix: Sequence[Sequence[float]], *, title: str,
            salt: str = "heatmap") -> str:
    """A square matrix of values in 0..1 (e.g. pairwise Jaccard), annotated in each cell."""
    size = len(labels)
    with _style():
        side = max(3.2, min(9.0, 1.6 + 0.55 * size))
        fig = _figure(side + 1.0, side)
        ax = fig.add_subplot()
        image = ax.imshow([list(r) for r in matrix], vmin=0.0, vmax=1.0, cmap="viridis")
        ax.set_xticks(range(size), _labels(labels), rotation=35, ha="right")
        ax.set_yticks(range(size), _labels(labels))
        if size <= 14:
            for r in range(size):
                for c in range(size):
                    value = matrix[r][c]
                    ax.text(c, r, f"{value:.2f}", ha="center", va="center", fontsize=7.5,
                            color="black" if value > 0.6 else "white")
        fig.colorbar(image, ax=ax, shrink=0.8, label="Jaccard")
        ax.set_title(_label(title))
        return render_svg(fig, salt)


def _finish(ax: Axes, title: str, xlabel: str, ylabel: str, legend: bool) -> None:
    ax.set_title(_label(title))
    ax.set_xlabel(_label(xlabel))
    ax.set_ylabel(_label(ylabel))
    ax.grid(axis="y", color="#d3d7cf", linewidth=0.6)
    ax.set_axisbelow(True)
    if legend:
        ax.legend(frameon=False, fontsize=8)
