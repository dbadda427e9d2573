"""Public statistics computed from the database — no Flask import.

Two layers, both unit-tested directly:

- :func:`load_facts` runs a handful of aggregate queries (GROUP BY site and UTC day on indexed
  columns) and returns a small in-memory :class:`StatsData` — never the raw event list;
- pure functions over ``StatsData`` and a date compute every indicator, so a reference date or a
  window can move without touching the database again.

Calendar rules, identical on SQLite and PostgreSQL because buckets are computed in Python from
the UTC day: a *week* is an ISO week (Monday → Sunday), a *month* a calendar month, the
*90-day window* ending on day D covers D-89 … D inclusive.

A site's territory is its current location: the EPCI, or the commune when it belongs to none.
"""

from __future__ import annotations

import json
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Date, func, select

from app.models import Answer, Event, EventType, Site

WINDOW_DAYS = 90
PHASES_IMPACT = ("foncier", "diagnostiquer", "realiser")
ZONES_DETENDUES = {"B2", "C"}
PETITE_COMMUNE = 5000
PERIODICITIES = ("day", "week", "month", "year")

TerritoryInfo = Callable[[str], dict | None]


# --- calendar helpers ------------------------------------------------------------------------------


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def month_end(d: date) -> date:
    return add_months(month_start(d), 1) - timedelta(days=1)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def period_start(d: date, periodicity: str) -> date:
    if periodicity == "day":
        return d
    if periodicity == "week":
        return week_start(d)
    if periodicity == "month":
        return month_start(d)
    if periodicity == "year":
        return date(d.year, 1, 1)
    raise ValueError(periodicity)


def next_period(d: date, periodicity: str) -> date:
    if periodicity == "day":
        return d + timedelta(days=1)
    if periodicity == "week":
        return d + timedelta(days=7)
    if periodicity == "month":
        return add_months(d, 1)
    return date(d.year + 1, 1, 1)


def previous_period(d: date, periodicity: str) -> date:
    if periodicity == "day":
        return d - timedelta(days=1)
    if periodicity == "week":
        return d - timedelta(days=7)
    if periodicity == "month":
        return add_months(d, -1)
    return date(d.year - 1, 1, 1)


def period_starts(today: date, periodicity: str, count: int) -> list[date]:
    """The ``count`` periods ending with the one containing ``today``, oldest first."""
    starts = [period_start(today, periodicity)]
    for _ in range(count - 1):
        starts.append(previous_period(starts[-1], periodicity))
    return starts[::-1]


@dataclass(frozen=True)
class Period:
    """Whole calendar months: the ``months`` months ending with the month of ``today``
    (the current month counts up to ``today`` included)."""

    today: date
    months: int

    @property
    def start(self) -> date:
        return add_months(month_start(self.today), -(self.months - 1))

    @property
    def end(self) -> date:
        return self.today

    def month_starts(self) -> list[date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def month_end(self, m: date) -> date:
        """Last day of month ``m`` counted in the period (``today`` for the current month)."""
        return min(month_end(m), self.today)


# --- facts loaded from the database ---------------------------------------------------------------


@dataclass(frozen=True)
class SiteRow:
    id: int
    created_at: datetime
    completed_at: datetime | None
    commune: str | None
    epci: str | None
    departement: str | None
    region: str | None
    surface_m2: float | None
    is_demo: bool = False

    @property
    def territory(self) -> tuple[str, str] | None:
        """("epci", code) or ("commune", code) when the commune belongs to no EPCI; None if unlocated."""
        if self.epci:
            return ("epci", self.epci)
        if self.commune:
            return ("commune", self.commune)
        return None


@dataclass
class StatsData:
    """Everything the indicators read, aggregated. Day lists are sorted and distinct."""

    since: date
    until: date
    sites: dict[int, SiteRow] = field(default_factory=dict)
    active_days: dict[int, list[date]] = field(default_factory=dict)  # any event
    done_days: dict[int, list[date]] = field(default_factory=dict)  # etape_statut → fait
    done_phases: dict[str, dict[int, list[date]]] = field(default_factory=dict)  # phase → site → days
    path_days: Counter = field(default_factory=Counter)  # day → parcours_consulte + parcours_api
    scheme_days: list[tuple[date, tuple[str, ...]]] = field(default_factory=list)
    votes: list[tuple[int, datetime, str, str, bool]] = field(
        default_factory=list
    )  # site, at, type, id, utile
    answers: dict[int, dict[str, object]] = field(default_factory=dict)  # usage, unite_fonciere_surface
    has_demo: bool = False
    _intervals: dict | None = field(default=None, repr=False)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _day_expr():
    """UTC day of an event: ``date(created_at)`` exists in SQLite and PostgreSQL alike."""
    return func.date(Event.created_at, type_=Date)


def load_facts(session, since: date, until: date, include_demo: bool = True) -> StatsData:
    """Aggregate events of days ``since`` … ``until`` (inclusive) and every site.

    ``session`` is a SQLAlchemy Session or Connection (anything with ``execute``).
    """
    lo = datetime.combine(since, datetime.min.time())
    hi = datetime.combine(until + timedelta(days=1), datetime.min.time())
    facts = StatsData(since=since, until=until)
    window = [Event.created_at >= lo, Event.created_at < hi]
    if not include_demo:
        window.append(Event.is_demo.is_(False))
    day = _day_expr()

    site_query = select(
        Site.id,
        Site.created_at,
        Site.completed_at,
        Site.commune_code,
        Site.epci_code,
        Site.departement_code,
        Site.region_code,
        Site.surface_m2,
        Site.is_demo,
    )
    if not include_demo:
        site_query = site_query.where(Site.is_demo.is_(False))
    for row in session.execute(site_query):
        facts.sites[row[0]] = SiteRow(*row[:8], is_demo=bool(row[8]))
        facts.has_demo = facts.has_demo or bool(row[8])

    active: dict[int, list[date]] = defaultdict(list)
    query = select(Event.site_id, day).where(Event.site_id.is_not(None), *window).group_by(Event.site_id, day)
    for site_id, d in session.execute(query):
        active[site_id].append(_as_date(d))
    facts.active_days = {k: sorted(v) for k, v in active.items()}

    done: dict[int, set[date]] = defaultdict(set)
    phases: dict[str, dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    phase = Event.data["phase"].as_string()
    query = (
        select(Event.site_id, day, phase)
        .where(
            Event.type == EventType.STEP_STATUS.value,
            Event.site_id.is_not(None),
            Event.data["statut"].as_string() == "fait",
            *window,
        )
        .group_by(Event.site_id, day, phase)
    )
    for site_id, d, ph in session.execute(query):
        done[site_id].add(_as_date(d))
        if ph:
            phases[ph][site_id].add(_as_date(d))
    facts.done_days = {k: sorted(v) for k, v in done.items()}
    facts.done_phases = {ph: {k: sorted(v) for k, v in by_site.items()} for ph, by_site in phases.items()}

    query = (
        select(day, func.count())
        .where(Event.type.in_((EventType.PATH_VIEWED.value, EventType.PATH_API.value)), *window)
        .group_by(day)
    )
    facts.path_days = Counter({_as_date(d): n for d, n in session.execute(query)})

    schemes = Event.data["financements"].as_string()
    query = (
        select(day, schemes).where(Event.type == EventType.PATH_VIEWED.value, *window).group_by(day, schemes)
    )
    for d, text in session.execute(query):
        ids = _json_list(text)
        if ids:
            facts.scheme_days.append((_as_date(d), ids))

    # JSON fields extracted by the database (no JSON decoding of every vote in Python).
    query = select(
        Event.site_id,
        Event.created_at,
        Event.data["type"].as_string(),
        Event.data["id"].as_string(),
        Event.data["utile"].as_string(),
    ).where(Event.type == EventType.VOTE.value, Event.site_id.is_not(None), *window)
    for site_id, at, kind, item, useful in session.execute(query.order_by(Event.created_at, Event.id)):
        vote = _vote({"type": kind, "id": item, "utile": _json_bool(useful)})
        if vote:
            facts.votes.append((site_id, at, *vote))

    query = select(Answer.site_id, Answer.question_id, Answer.value).where(
        Answer.question_id.in_(("usage", "unite_fonciere_surface"))
    )
    for site_id, question_id, value in session.execute(query):
        if site_id in facts.sites:
            facts.answers.setdefault(site_id, {})[question_id] = value
    return facts


def _json_list(text) -> tuple[str, ...]:
    if text is None:
        return ()
    if isinstance(text, list):
        values = text
    else:
        try:
            values = json.loads(text)
        except (TypeError, ValueError):
            return ()
    if not isinstance(values, list):
        return ()
    return tuple(str(v) for v in values if isinstance(v, str | int))


def _json_bool(value) -> bool | None:
    """A JSON boolean read as text: SQLite gives "1"/"0", PostgreSQL "true"/"false"."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def _vote(data) -> tuple[str, str, bool] | None:
    if not isinstance(data, dict):
        return None
    kind, item, useful = data.get("type"), data.get("id"), data.get("utile")
    if kind not in ("etape", "ressource") or not isinstance(item, str) or not isinstance(useful, bool):
        return None
    return kind, item, useful


# --- pure indicators ---------------------------------------------------------------------------------


def _days_in(days: list[date], lo: date, hi: date) -> list[date]:
    return days[bisect_left(days, lo) : bisect_right(days, hi)]


def _any_in(days: list[date] | None, lo: date, hi: date) -> bool:
    if not days:
        return False
    i = bisect_left(days, lo)
    return i < len(days) and days[i] <= hi


def distinct_weeks(days: list[date]) -> int:
    return len({week_start(d) for d in days})


def engaged_sites(facts: StatsData, at: date) -> dict[tuple[str, str], set[int]]:
    """North Star at day ``at``: territory → its sites that, in the 90 days ending on ``at``,
    were active in ≥ 2 distinct ISO weeks and had ≥ 1 step marked « fait »."""
    lo = at - timedelta(days=WINDOW_DAYS - 1)
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    for site_id, days in facts.active_days.items():
        site = facts.sites.get(site_id)
        key = site.territory if site else None
        if key is None or not _any_in(facts.done_days.get(site_id), lo, at):
            continue
        if distinct_weeks(_days_in(days, lo, at)) >= 2:
            out[key].add(site_id)
    return dict(out)


def engaged_territories(facts: StatsData, at: date) -> int:
    return len(engaged_sites(facts, at))


def _site_engaged_at(facts: StatsData, site_id: int, at: date) -> bool:
    lo = at - timedelta(days=WINDOW_DAYS - 1)
    return (
        _any_in(facts.done_days.get(site_id), lo, at)
        and distinct_weeks(_days_in(facts.active_days[site_id], lo, at)) >= 2
    )


def engaged_intervals(facts: StatsData) -> dict[tuple[str, str], list[tuple[date, date]]]:
    """For each territory, the days on which it is engaged, as merged [start, end) intervals.

    A site's status can only change on the day an event enters the 90-day window (its own day)
    or leaves it (90 days later), so it is evaluated at those change points only: the series
    for any number of dates then costs one sweep instead of one full pass per date.
    """
    if facts._intervals is not None:
        return facts._intervals
    window = timedelta(days=WINDOW_DAYS)
    per_territory: dict[tuple[str, str], list[tuple[date, date]]] = defaultdict(list)
    for site_id, days in facts.active_days.items():
        site = facts.sites.get(site_id)
        key = site.territory if site else None
        done = facts.done_days.get(site_id)
        if key is None or not done:
            continue
        points = sorted({*days, *(d + window for d in days), *done, *(d + window for d in done)})
        start = None
        for point in points:
            engaged = _site_engaged_at(facts, site_id, point)
            if engaged and start is None:
                start = point
            elif not engaged and start is not None:
                per_territory[key].append((start, point))
                start = None
        if start is not None:  # cannot happen (the last point empties the window); kept for safety
            per_territory[key].append((start, points[-1] + window))
    merged: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for key, intervals in per_territory.items():
        out: list[tuple[date, date]] = []
        for start, end in sorted(intervals):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        merged[key] = out
    facts._intervals = merged
    return merged


def engaged_counts(facts: StatsData, dates: list[date]) -> list[int]:
    """Number of engaged territories on each of ``dates`` (same result as
    :func:`engaged_territories`, computed in one sweep)."""
    starts = sorted(s for intervals in engaged_intervals(facts).values() for s, _ in intervals)
    ends = sorted(e for intervals in engaged_intervals(facts).values() for _, e in intervals)
    return [bisect_right(starts, d) - bisect_right(ends, d) for d in dates]


def north_star_monthly(facts: StatsData, period: Period) -> list[tuple[date, int]]:
    """Value at the end of each month of the period (``today`` for the current month)."""
    months = period.month_starts()
    return list(zip(months, engaged_counts(facts, [period.month_end(m) for m in months]), strict=True))


def north_star_series(facts: StatsData, today: date, periodicity: str, count: int) -> list[tuple[date, int]]:
    """API series: each period's start date with the value at its last day (or ``today``)."""
    starts = period_starts(today, periodicity, count)
    ends = [min(next_period(start, periodicity) - timedelta(days=1), today) for start in starts]
    return list(zip(starts, engaged_counts(facts, ends), strict=True))


def facts_window(
    today: date, months: int = 1, periodicity: str | None = None, count: int = 0
) -> tuple[date, date]:
    """Days to load so that every indicator of the period (and the API series) is exact."""
    starts = [Period(today, months).start, today - timedelta(days=364)]
    if periodicity:
        starts.append(period_starts(today, periodicity, count)[0])
    return min(starts) - timedelta(days=WINDOW_DAYS - 1), today


def active_sites(facts: StatsData, lo: date, hi: date) -> set[int]:
    return {sid for sid, days in facts.active_days.items() if _any_in(days, lo, hi)}


def active_territories(facts: StatsData, lo: date, hi: date) -> set[tuple[str, str]]:
    out = set()
    for sid in active_sites(facts, lo, hi):
        site = facts.sites.get(sid)
        if site and site.territory:
            out.add(site.territory)
    return out


def returning_sites(facts: StatsData, lo: date, hi: date) -> set[int]:
    return {sid for sid, days in facts.active_days.items() if distinct_weeks(_days_in(days, lo, hi)) >= 2}


def created_sites(facts: StatsData, lo: date, hi: date) -> list[SiteRow]:
    return [s for s in facts.sites.values() if lo <= s.created_at.date() <= hi]


def path_count(facts: StatsData, lo: date, hi: date) -> int:
    return sum(n for d, n in facts.path_days.items() if lo <= d <= hi)


def schemes_identified(facts: StatsData, lo: date, hi: date) -> set[str]:
    return {s for d, ids in facts.scheme_days if lo <= d <= hi for s in ids}


def votes_share(facts: StatsData, lo: date, hi: date, kind: str) -> tuple[int, int]:
    """(useful, total) over the latest vote of each site on each item of ``kind``."""
    latest: dict[tuple[int, str], bool] = {}
    for site_id, at, k, item, useful in facts.votes:
        if k == kind and lo <= at.date() <= hi:
            latest[(site_id, item)] = useful
    return sum(latest.values()), len(latest)


def site_surface_m2(facts: StatsData, site: SiteRow) -> float | None:
    """Site.surface_m2 (drawn perimeter), else the answer ``unite_fonciere_surface`` (m²)."""
    if site.surface_m2 and site.surface_m2 > 0:
        return float(site.surface_m2)
    value = facts.answers.get(site.id, {}).get("unite_fonciere_surface")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.replace(",", ".").replace(" ", ""))
        except ValueError:
            return None
        return number if number > 0 else None
    return None


# A surface above this, or above its commune's, is not a friche anyone studies: it is not added
# to the hectares and is counted apart (one France-sized upload added 41,762,037 ha before).
PLAUSIBLE_MAX_M2 = 5_000_000  # 500 ha


def _commune_area_m2(code: str | None) -> float | None:
    if not code:
        return None
    from app.geo import commune_area_m2

    try:
        return commune_area_m2(code)
    except Exception:  # noqa: BLE001 - without the dataset, only the fixed bound applies
        return None


def plausible_surface(site: SiteRow, surface: float) -> bool:
    """A site's surface may be counted: at most ``PLAUSIBLE_MAX_M2`` and its commune's area."""
    if surface > PLAUSIBLE_MAX_M2:
        return False
    area = _commune_area_m2(site.commune)
    return area is None or surface <= area


def hectares(facts: StatsData, site_ids) -> tuple[float, int, int, int]:
    """(hectares, sites with a known and plausible surface, sites without a surface, sites whose
    surface is implausible — not counted, flagged)."""
    total, known, unknown, implausible = 0.0, 0, 0, 0
    for sid in site_ids:
        site = facts.sites.get(sid)
        surface = site_surface_m2(facts, site) if site else None
        if surface is None:
            unknown += 1
        elif not plausible_surface(site, surface):
            implausible += 1
        else:
            total += surface
            known += 1
    return total / 10_000, known, unknown, implausible


def sites_with_done_phase(facts: StatsData, phase: str, lo: date, hi: date) -> set[int]:
    return {sid for sid, days in facts.done_phases.get(phase, {}).items() if _any_in(days, lo, hi)}


def usage_breakdown(facts: StatsData, site_ids) -> Counter:
    counts: Counter = Counter()
    for sid in site_ids:
        value = facts.answers.get(sid, {}).get("usage")
        if isinstance(value, list):  # defensive: a multiple choice counts each value
            for v in value:
                counts[str(v)] += 1
        elif isinstance(value, str) and value and value not in ("inconnu", "je ne sais pas"):
            counts[value] += 1
        else:
            counts["non renseigné"] += 1
    return counts


def territory_breakdown(facts: StatsData, site_ids, info: TerritoryInfo | None) -> dict[str, Counter]:
    """Zonage (détendue / tendue / inconnu) and commune size (< 5 000 / ≥ 5 000 / inconnu)."""
    zonage: Counter = Counter()
    taille: Counter = Counter()
    cache: dict[str, dict | None] = {}
    for sid in site_ids:
        site = facts.sites.get(sid)
        code = site.commune if site else None
        facts_ = None
        if code and info is not None:
            if code not in cache:
                try:
                    cache[code] = info(code)
                except Exception:  # an unavailable geo module counts as unknown
                    cache[code] = None
            facts_ = cache[code]
        zone = (facts_ or {}).get("zonage_abc")
        zonage["inconnu" if not zone else "détendue" if zone in ZONES_DETENDUES else "tendue"] += 1
        population = (facts_ or {}).get("population")
        taille["inconnu" if population is None else "petite" if population < PETITE_COMMUNE else "autre"] += 1
    return {"zonage": zonage, "taille": taille}


def completion(facts: StatsData, lo: date, hi: date) -> tuple[int, int, float | None]:
    """(completed, created, median seconds from creation to completion) for sites created in the period."""
    created = created_sites(facts, lo, hi)
    durations = [
        (s.completed_at - s.created_at).total_seconds()
        for s in created
        if s.completed_at is not None and s.completed_at >= s.created_at
    ]
    completed = sum(1 for s in created if s.completed_at is not None)
    return completed, len(created), (statistics.median(durations) if durations else None)


def by_area(facts: StatsData, period: Period) -> dict[str, dict[str, dict[str, int]]]:
    """Per région and per département: sites active and created in the period, territories
    engaged at the end of the period (a territory counts in each area of its engaged sites)."""
    lo, hi = period.start, period.end
    out: dict[str, dict[str, dict[str, int]]] = {"region": {}, "departement": {}}
    engaged = engaged_sites(facts, hi)
    territories_by_area: dict[tuple[str, str], set] = defaultdict(set)
    for key, sids in engaged.items():
        for sid in sids:
            site = facts.sites[sid]
            for level, code in (("region", site.region), ("departement", site.departement)):
                territories_by_area[(level, code or "inconnu")].add(key)

    def row(level: str, code: str | None) -> dict[str, int]:
        return out[level].setdefault(
            code or "inconnu", {"sites_actifs": 0, "sites_crees": 0, "territoires_engages": 0}
        )

    for sid in active_sites(facts, lo, hi):
        site = facts.sites.get(sid)
        if site:
            row("region", site.region)["sites_actifs"] += 1
            row("departement", site.departement)["sites_actifs"] += 1
    for site in created_sites(facts, lo, hi):
        row("region", site.region)["sites_crees"] += 1
        row("departement", site.departement)["sites_crees"] += 1
    for (level, code), keys in territories_by_area.items():
        row(level, code)["territoires_engages"] = len(keys)
    return out


# --- the whole report --------------------------------------------------------------------------------


@dataclass
class Report:
    """Raw figures (no suppression, no formatting): see ``app.stats.present`` for both."""

    period: Period
    computed_at: datetime
    values: dict[str, dict] = field(default_factory=dict)  # indicator id → {valeur, base, …}
    series: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    breakdowns: dict[str, Counter] = field(default_factory=dict)
    areas: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    has_demo: bool = False


def build_report(
    facts: StatsData,
    period: Period,
    *,
    budget_eur: float = 0.0,
    territory_info: TerritoryInfo | None = None,
    computed_at: datetime | None = None,
) -> Report:
    lo, hi = period.start, period.end
    report = Report(
        period=period,
        computed_at=computed_at or datetime.combine(hi, datetime.min.time()),
        has_demo=facts.has_demo,
    )
    v = report.values

    # North Star.
    series = north_star_monthly(facts, period)
    report.series["territoires_engages"] = series
    current = series[-1][1]
    previous = series[-2][1] if len(series) > 1 else 0
    v["territoires_engages"] = {"valeur": current, "kind": "count", "tendance": current - previous}

    # Utilisé.
    created = created_sites(facts, lo, hi)
    v["sites_crees"] = {"valeur": len(created), "kind": "count"}
    v["parcours_calcules"] = {"valeur": path_count(facts, lo, hi), "kind": "count"}
    months = period.month_starts()
    report.series["sites_crees"] = [(m, len(created_sites(facts, m, period.month_end(m)))) for m in months]
    report.series["parcours_calcules"] = [(m, path_count(facts, m, period.month_end(m))) for m in months]
    report.series["sites_actifs_mois"] = [
        (m, len(active_sites(facts, m, period.month_end(m)))) for m in months
    ]
    report.series["territoires_actifs_mois"] = [
        (m, len(active_territories(facts, m, period.month_end(m)))) for m in months
    ]
    v["sites_actifs_mois"] = {"valeur": report.series["sites_actifs_mois"][-1][1], "kind": "count"}
    v["territoires_actifs_mois"] = {
        "valeur": report.series["territoires_actifs_mois"][-1][1],
        "kind": "count",
    }
    studied = active_sites(facts, lo, hi)
    returning = returning_sites(facts, lo, hi)
    v["sites_revenus"] = {"valeur": len(returning), "base": len(studied), "kind": "share"}

    # Utile.
    for kind, key in (("etape", "etapes_utiles"), ("ressource", "ressources_utiles")):
        useful, total = votes_share(facts, lo, hi, kind)
        v[key] = {"valeur": useful, "base": total, "kind": "share"}

    # Impact.
    ha, known, unknown, implausible = hectares(facts, studied)
    v["hectares_etudies"] = {
        "valeur": ha,
        "base": known,
        "inconnus": unknown,
        "invraisemblables": implausible,
        "kind": "hectares",
    }
    for phase in PHASES_IMPACT:
        ha, known, unknown, implausible = hectares(facts, sites_with_done_phase(facts, phase, lo, hi))
        v[f"hectares_{phase}"] = {
            "valeur": ha,
            "base": known,
            "inconnus": unknown,
            "invraisemblables": implausible,
            "kind": "hectares",
        }
    report.breakdowns["usage"] = usage_breakdown(facts, studied)
    territory = territory_breakdown(facts, studied, territory_info)
    report.breakdowns.update(territory)
    z = territory["zonage"]
    v["part_zones_detendues"] = {
        "valeur": z["détendue"],
        "base": z["détendue"] + z["tendue"],
        "inconnus": z["inconnu"],
        "kind": "share",
    }
    t = territory["taille"]
    v["part_petites_communes"] = {
        "valeur": t["petite"],
        "base": t["petite"] + t["autre"],
        "inconnus": t["inconnu"],
        "kind": "share",
    }
    v["financements_identifies"] = {"valeur": len(schemes_identified(facts, lo, hi)), "kind": "number"}

    # Utilisable.
    completed, total, median = completion(facts, lo, hi)
    v["taux_completion"] = {"valeur": completed, "base": total, "kind": "share"}
    durations = sum(1 for s in created if s.completed_at is not None and s.completed_at >= s.created_at)
    v["duree_mediane"] = {"valeur": median, "base": durations, "kind": "duration"}

    # Efficient: over the 365 days ending today, whatever the period shown.
    yearly = len(active_sites(facts, hi - timedelta(days=364), hi))
    v["cout_par_site_actif"] = {
        "valeur": (budget_eur / yearly) if budget_eur and yearly else None,
        "base": yearly,
        "budget": budget_eur,
        "kind": "euros",
    }

    report.areas = by_area(facts, period)
    return report


def compute_report(
    session,
    today: date,
    months: int = 12,
    *,
    include_demo: bool = True,
    budget_eur: float = 0.0,
    territory_info: TerritoryInfo | None = None,
    computed_at: datetime | None = None,
) -> Report:
    since, until = facts_window(today, months)
    facts = load_facts(session, since, until, include_demo=include_demo)
    return build_report(
        facts,
        Period(today, months),
        budget_eur=budget_eur,
        territory_info=territory_info,
        computed_at=computed_at,
    )


def compute_api_series(
    session, today: date, periodicity: str, count: int, *, include_demo: bool = True
) -> list[tuple[date, int]]:
    since, until = facts_window(today, 1, periodicity, count)
    facts = load_facts(session, since, until, include_demo=include_demo)
    return north_star_series(facts, today, periodicity, count)
