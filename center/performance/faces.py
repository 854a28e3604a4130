"""What the performance area offers the events area (reads only): which indicators an event may count
towards. Only an indicator whose declared source is events held or audience satisfaction (EVENT_SOURCES);
one not bound yet is judged by the source its name proposes (binding_rules.suggest), so that "购买办公设备
8 台" is never offered to an event, bound or not."""

from center.budget.models import PerformanceIndicator
from center.events.faces import event_types

from .binding_rules import suggest
from .enums import EVENT_SOURCES
from .models import IndicatorBinding


def event_linkable_ids(indicators=None) -> set[int]:
    """Ids of the indicators (of `indicators`, a queryset, default all) an event may be linked to."""
    qs = indicators if indicators is not None else PerformanceIndicator.objects.all()
    rows = list(qs.values_list("pk", "name", "kind"))
    bound = dict(
        IndicatorBinding.objects.filter(indicator_id__in=[r[0] for r in rows]).values_list(
            "indicator_id", "source"
        )
    )
    types = None
    out = set()
    for pk, name, kind in rows:
        if pk in bound:
            if bound[pk] in EVENT_SOURCES:
                out.add(pk)
            continue
        if types is None:
            types = event_types()
        probe = PerformanceIndicator(pk=pk, name=name, kind=kind)
        if suggest(probe, types)[0] in EVENT_SOURCES:
            out.add(pk)
    return out


def event_linkable(indicators=None):
    """The queryset of indicators an event may count towards."""
    qs = indicators if indicators is not None else PerformanceIndicator.objects.all()
    return qs.filter(pk__in=event_linkable_ids(qs))
