"""A timeline chart of drugs, one lane each, for a slide: phases as spans, regulatory
and deal milestones as labelled markers, partial dates as the interval they stand for.
matplotlib is an optional extra (`pip install 'milestones[plot]'`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .errors import MilestonesError
from .event_types import EVENT_TYPES
from .status import Visible, describe, occurred_bounds

PHASE_COLOURS = {
    "preclinical": "#d9d9d9",
    "1": "#c6dbef",
    "1b": "#c6dbef",
    "1/2": "#9ecae1",
    "2": "#9ecae1",
    "2a": "#9ecae1",
    "2b": "#6baed6",
    "2/3": "#6baed6",
    "3": "#3182bd",
    "4": "#08519c",
}
# kind (each event type's `chart_marker`) → (marker, colour, label in the legend)
MARKERS = {
    "filing": ("s", "#ff7f0e", "filing submitted / accepted"),
    "approval": ("*", "#2ca02c", "approval / launch"),
    "refusal": ("X", "#d62728", "refusal / withdrawal"),
    "designation": ("^", "#9467bd", "designation"),
    "deal": ("o", "#8c564b", "deal / acquisition"),
    "halt": ("v", "#000000", "hold / halt / discontinued"),
    "ind": ("d", "#7f7f7f", "IND"),
}
LABELLED = {"filing", "approval", "refusal", "designation", "deal", "halt"}
OFFSETS = (0.28, -0.34, 0.52, -0.58)  # label heights tried within a lane, in lane units


@dataclass
class Chart:
    path: Path
    lanes: list[str]
    labels: list[str]
    label_boxes: list[tuple[float, float, float, float]]  # rendered extents (x0, y0, x1, y1), pixels
    dropped_labels: int


def split_lanes(drug: str, items: list[Visible], by: str | None) -> list[tuple[str, list[Visible]]]:
    """A drug's lane, or one lane per indication or agency where its events name one (the
    events that name none stay in the drug's own lane)."""
    if by is None:
        return [(drug, items)]
    lanes: dict[str, list[Visible]] = {}
    for item in items:
        value = item.event.attributes.get(by)
        lanes.setdefault(f"{drug} · {value}" if value else drug, []).append(item)
    return sorted(lanes.items(), key=lambda lane: (lane[0] != drug, lane[0]))


def _midpoint(item: Visible) -> date | None:
    start, end = occurred_bounds(item.event)
    if start is None:
        return None
    return start + (end - start) / 2


def _short(item: Visible) -> str:
    a = item.event.attributes
    text = describe(item.event.type, {k: v for k, v in a.items() if k not in ("indication", "partners")})
    return text if len(text) <= 28 else text[:27] + "…"


def draw(
    timelines: list[tuple[str, list[Visible]]],
    path: str | Path,
    as_of: date | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Chart:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        from matplotlib.artist import Artist
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
    except ImportError:
        raise MilestonesError("plot needs matplotlib: pip install 'milestones[plot]'") from None
    path = Path(path)
    if path.suffix.lower() not in (".svg", ".png"):
        raise MilestonesError(f"plot writes .svg or .png, not {path.suffix or 'a file without extension'}")
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in SVG: searchable, editable on a slide
    end_day = as_of or until or date.today()
    dated = [d for _, items in timelines for v in items for d in occurred_bounds(v.event) if d]
    first = since or (min(dated) if dated else end_day - timedelta(days=365)) - timedelta(days=60)
    last = until or end_day + timedelta(days=60)
    lanes = [drug for drug, _ in timelines]
    fig, ax = plt.subplots(figsize=(13, 1.6 + 1.0 * len(lanes)), dpi=110)
    texts = []
    for lane, (_, items) in enumerate(reversed(timelines)):
        y = lane
        starts = sorted(
            (
                v
                for v in items
                if v.event.type == "phase_started" and v.event.date.is_known and v.event.attributes.get("phase")
            ),
            key=lambda v: v.event.date.start,
        )
        stops = sorted(
            v.event.date.start
            for v in items
            if v.event.date.is_known
            and v.event.type
            in ("phase_completed", "filing_submitted", "filing_accepted", "approved", "discontinued", "trial_halted")
        )
        for i, started in enumerate(starts):
            begin = started.event.date.start
            later = [s.event.date.start for s in starts[i + 1 :]] + [d for d in stops if d > begin]
            finish = min(later, default=end_day)
            phase = started.event.attributes["phase"]
            ax.barh(
                y,
                (finish - begin).days,
                left=mdates.date2num(begin),
                height=0.3,
                color=PHASE_COLOURS.get(phase, "#9ecae1"),
                edgecolor="none",
                zorder=1,
            )
        for item in items:
            kind = EVENT_TYPES[item.event.type].chart_marker
            middle = _midpoint(item)
            if kind is None or middle is None or not (first <= middle <= last):
                continue
            marker, colour, _ = MARKERS[kind]
            start, finish = occurred_bounds(item.event)
            if start != finish:  # a partial date is drawn as the interval it stands for
                ax.plot(
                    [mdates.date2num(start), mdates.date2num(finish)],
                    [y, y],
                    color=colour,
                    linewidth=3,
                    alpha=0.5,
                    solid_capstyle="butt",
                    zorder=2,
                )
            ax.plot(
                mdates.date2num(middle),
                y,
                marker=marker,
                color=colour,
                markersize=9,
                linestyle="none",
                zorder=3,
                markeredgecolor="white",
                markeredgewidth=0.6,
            )
            if kind in LABELLED:
                texts.append((mdates.date2num(middle), y, _short(item)))
    ax.set_yticks(range(len(lanes)), list(reversed(lanes)))
    ax.set_ylim(-0.9, len(lanes) - 0.1)
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if as_of:
        ax.axvline(mdates.date2num(as_of), color="#d62728", linestyle="--", linewidth=1, zorder=4)
        ax.text(mdates.date2num(as_of), len(lanes) - 0.15, f" as of {as_of}", color="#d62728", fontsize=8, va="top")
    handles: list[Artist] = [
        Line2D([], [], marker=m, color=c, linestyle="none", markersize=8, label=label)
        for m, c, label in MARKERS.values()
    ]
    handles += [Patch(color=PHASE_COLOURS[p], label=f"phase {p}") for p in ("1", "2", "2b", "3")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=6, fontsize=8, frameon=False)
    fig.tight_layout()
    placed, boxes, dropped = _place_labels(fig, ax, texts)
    fig.savefig(path, format=path.suffix.lower()[1:], bbox_inches="tight")
    plt.close(fig)
    return Chart(path, lanes, [t.get_text() for t in placed], [tuple(b.extents) for b in boxes], dropped)


def _place_labels(fig, ax, texts):
    """Greedy: each label at the first height in its lane where it overlaps no label
    placed before; one that fits nowhere is left out (its marker stays)."""
    renderer = fig.canvas.get_renderer()
    placed, boxes, dropped = [], [], 0
    for x, y, label in sorted(texts):
        for offset in OFFSETS:
            text = ax.text(x, y + offset, label, fontsize=7, ha="center", va="center", zorder=5)
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in boxes):
                placed.append(text)
                boxes.append(box)
                break
            text.remove()
        else:
            dropped += 1
    return placed, boxes, dropped
