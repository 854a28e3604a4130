"""One state-machine helper for every lifecycle: transitions as data, one service per verb.

An area declares its machine in `enums.py`:

    EVENT = Machine("events.event", {
        "approve": ({S.PLANNED}, S.APPROVED),
        "cancel": ({S.PLANNED, S.APPROVED}, S.CANCELLED),
    })

and each verb's service (run under `@service`, with the object locked) calls `EVENT.apply(obj, "approve",
actor=…)`: the starting state is checked (a `ConflictError` names the current state otherwise), the `state`
field is set and saved with any other changed fields, and the audit entry is written with the action code
`<prefix>.<verb>`. Tests enumerate every (state, verb) pair of every machine from the same table.
The field is called `state` everywhere (docs/glossary.md).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import ConflictError


@dataclass(frozen=True)
class Machine:
    prefix: str  # the audit action code's prefix: "<area>.<entity>"
    transitions: Mapping[str, tuple[Iterable[str], str]]  # verb → (allowed starting states, resulting state)
    sources: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "sources", {v: frozenset(src) for v, (src, _t) in self.transitions.items()})

    @property
    def verbs(self) -> list[str]:
        return list(self.transitions)

    def target(self, verb: str) -> str:
        return self.transitions[verb][1]

    def allows(self, obj, verb: str) -> bool:
        return obj.state in self.sources[verb]

    def allowed_verbs(self, obj) -> list[str]:
        return [verb for verb in self.transitions if obj.state in self.sources[verb]]

    def check(self, obj, verb: str) -> str:
        """The state `verb` leads to from the object's state, or a `ConflictError` naming the current state."""
        if not self.allows(obj, verb):
            raise ConflictError(
                _("当前状态为“%(s)s”，不能执行此操作。") % {"s": obj.get_state_display()},
                {"state": obj.state, "verb": verb},
            )
        return self.target(verb)

    def apply(
        self,
        obj,
        verb: str,
        *,
        actor=None,
        fields: Iterable[str] = (),
        extra: dict | None = None,
        audit: bool = True,
        **audit_kwargs,
    ):
        """Move a locked object through `verb`: check, set `state`, save it with `fields`, audit `<prefix>.<verb>`."""
        from .audit import audit_log

        before = obj.state
        obj.state = self.check(obj, verb)
        obj.save(update_fields=["state", *fields])
        if audit:
            audit_log(
                f"{self.prefix}.{verb}",
                actor=actor,
                target=obj,
                changes={"state": [before, obj.state]},
                extra=extra,
                **audit_kwargs,
            )
        return obj
