"""Draw an answer's ChartData as a PNG image (matplotlib, headless Agg backend).

matplotlib is imported on first use only: it costs about a second, which the CLI must not
pay at start-up. Rendering is serialised by a lock because matplotlib's font cache is
shared and not thread-safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

from bot.answer import ChartData

__all__ = ["render_png"]

_LOCK = threading.Lock()
_COLOR = "#1f5f99"


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def render_png(
    chart: ChartData,
    *,
    number: Callable[[float], str] = _plain,
    width: float = 8.0,
    height: float = 4.5,
    dpi: int = 110,
) -> bytes:
    """Return `chart` drawn as PNG bytes; `number` formats the value labels (per locale)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with _LOCK:
        fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = list(range(len(chart.values)))
        if chart.kind == "line":
            ax.plot(positions, chart.values, marker="o", color=_COLOR)
            ax.set_xticks(positions, chart.labels)
            for x, y in zip(positions, chart.values, strict=True):
                ax.annotate(number(y), (x, y), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=8)
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
        else:
            # Horizontal bars, first item on top: country names stay readable.
            ax.barh(positions, chart.values, color=_COLOR)
            ax.set_yticks(positions, chart.labels)
            ax.invert_yaxis()
            for row, value in zip(positions, chart.values, strict=True):
                ax.annotate(number(value), (value, row), textcoords="offset points", xytext=(4, 0),
                            va="center", fontsize=8)
            ax.margins(x=0.15)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
        ax.set_title(chart.title, parse_math=False)
        ax.spines[["top", "right"]].set_visible(False)
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            label.set_parse_math(False)
        # The source as the x-axis label: the layout then keeps it clear of the ticks.
        ax.set_xlabel(chart.source, fontsize=7, color="#555555", loc="left", parse_math=False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    return buffer.getvalue()
