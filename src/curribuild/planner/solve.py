"""The programme as one CP-SAT model: which goals, which method and length for each,
and which teaching block of which day each part goes in, decided together.

A day is a row of teaching blocks separated by breaks, with lunch between two
blocks in a window around midday. Sessions in a block run back to back; a
block holds at most ``max_block_minutes`` of teaching, plus the debrief that
follows a sensitive session directly. Block times follow from their contents,
so a solution fixes every start on the 5-minute grid.

Hard constraints: core goals, every high gap met, prerequisites earlier (or
earlier in the same block), the parts of a goal in consecutive blocks of one
day, the day frame (end of day, lunch window, online teaching cap).

The objective is lexicographic, in two stages. First: avoidable rule warnings
(above all else), gap goals, the rules' method scores, shortening,
learning-type and perspective coverage. Then, among plans of that value: the
order (foundations early, Bloom level rising within a topic, self-care before
distressing material). Ties between equally scored methods go to the earlier
method of the catalogue, as in the rules engine.

OR-Tools is imported here only, and only the commands that plan import this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from curribuild.engine.conditions import compile_condition
from curribuild.engine.match import base_env
from curribuild.models.needs import Needs
from curribuild.models.rules import All, AnyOf, Condition, Leaf, Not, Rule
from curribuild.planner.problem import LUNCH_WINDOW, GoalSpec, Problem
from curribuild.planner.repair import Found, GoalVars, hint_all, objective_at, repair

Lit = Any  # a cp_model literal (BoolVar or its negation)
LARGE = 50_000  # variables: above this, a one-stage solve with a lighter presolve
FIRST_STAGE = 0.7  # share of the deterministic limit for goals and methods; the rest orders
REPAIR = 0.3  # share of the limit for repairing an unproven first stage, day by day
REORDER = 0.1  # share of the limit for improving an unproven order, day by day


@dataclass(slots=True)
class Placement:
    """Where one goal went: its method, length and the (day, block) of each part."""

    method: int  # index into GoalSpec.methods
    length: int  # index into GoalSpec.lengths
    blocks: list[tuple[int, int]]


@dataclass(slots=True)
class Solution:
    status: str  # optimal | feasible
    objective: int
    bound: int
    placements: dict[int, Placement]
    reflection_break: list[bool]
    lunch_after: list[int | None]  # per day: the first block after lunch, or None
    avoided: dict[str, bool] = field(default_factory=dict)  # rule id -> condition held
    proven: dict[str, bool] = field(default_factory=dict)  # rule id -> holding it is proven
    order_objective: int = 0  # the second stage: pedagogy and position
    order_bound: int = 0
    wall_seconds: float = 0.0
    deterministic_seconds: float = 0.0
    repaired: int = 0  # neighbourhoods of the repair that made the plan better


@dataclass(slots=True)
class Hint:
    placements: dict[int, Placement]


class Infeasible(Exception):
    """No plan satisfies the hard constraints; ``core`` names the conflicting groups."""

    def __init__(self, core: list[str]) -> None:
        super().__init__(", ".join(core))
        self.core = core


class Unknown(Exception):
    """The solver found no plan within its deterministic limit."""


def _or(model: cp_model.CpModel, lits: list[Lit]) -> Lit:
    if not lits:
        return model.new_constant(0)
    if len(lits) == 1:
        return lits[0]
    out = model.new_bool_var("")
    model.add_max_equality(out, lits)
    return out


def _and(model: cp_model.CpModel, lits: list[Lit]) -> Lit:
    if not lits:
        return model.new_constant(1)
    if len(lits) == 1:
        return lits[0]
    out = model.new_bool_var("")
    model.add_min_equality(out, lits)
    return out


class _Facts:
    """Programme facts the solver decides, as literals, for compiling rule conditions."""

    def __init__(self, build: _Builder) -> None:
        self.b = build
        self.cache: dict[tuple[str, str], Lit] = {}

    def _memo(self, key: tuple[str, str], make: Callable[[], Lit]) -> Lit:
        hit = self.cache.get(key)
        if hit is None:
            hit = make()
            self.cache[key] = hit
        return hit

    def topic(self, topic: str) -> Lit:
        b = self.b
        return self._memo(
            ("topic", topic),
            lambda: _or(
                b.model,
                [b.take[i] for i, g in enumerate(b.p.goals) if topic in g.selected.goal.topics],
            ),
        )

    def goal(self, goal: str) -> Lit:
        """The goal is taught (a constant 0 when it is no candidate of this request)."""
        b = self.b
        return self._memo(
            ("goal", goal),
            lambda: _or(b.model, [b.take[i] for i, g in enumerate(b.p.goals) if g.id == goal]),
        )

    def method(self, method: str) -> Lit:
        b = self.b
        return self._memo(
            ("method", method),
            lambda: _or(
                b.model,
                [
                    b.use[i][j]
                    for i, g in enumerate(b.p.goals)
                    for j, o in enumerate(g.methods)
                    if o.method == method
                ],
            ),
        )

    def learning_type(self, kind: str) -> Lit:
        return self._memo(("lt", kind), lambda: self.b.learning_type(kind))

    def contact_learning_type(self, kind: str) -> Lit:
        """The learning type has minutes in the contact time (pre-work does not count)."""
        if not any(g.pre_by for g in self.b.p.goals):
            return self.learning_type(kind)  # the same literal: no pre-work to tell apart
        return self._memo(("lt-contact", kind), lambda: self.b.learning_type(kind, contact=True))

    def domain(self, domain: str) -> Lit:
        b = self.b
        return self._memo(
            ("domain", domain),
            lambda: _or(
                b.model,
                [b.take[i] for i, g in enumerate(b.p.goals) if g.selected.goal.domain == domain],
            ),
        )

    def perspective(self, name: str) -> Lit:
        return self._memo(("perspective", name), lambda: self.b.perspective(name))

    def sensitive(self) -> Lit:
        """Distressing material in the programme: a sensitive goal, or a goal taught
        with case material when the needs say the cases are distressing (the goal's
        debriefed methods, exactly the programme fact ``any_sensitive``)."""
        b = self.b
        return self._memo(
            ("sensitive", ""),
            lambda: _or(
                b.model,
                [b.use[i][j] for i, g in enumerate(b.p.goals) for j in g.debriefed_by],
            ),
        )

    def unmet_gap(self) -> Lit:
        b = self.b
        return self._memo(
            ("unmet", ""),
            lambda: _or(b.model, [b.gap_met[k].Not() for k in range(len(b.p.gaps))]),
        )


def _names(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


class _Compiler:
    """A programme rule's condition as a literal, where every fact it reads is one the
    solver decides (or a constant of the needs); None where it is not."""

    def __init__(self, model: cp_model.CpModel, facts: _Facts, needs: Needs) -> None:
        self.model = model
        self.facts = facts
        self.env = base_env(needs)
        self.env["programme"] = None

    def compile(self, cond: Condition | None) -> Lit | None:
        if cond is None:
            return self.model.new_constant(1)
        if isinstance(cond, All):
            parts = [self.compile(c) for c in cond.all]
            return None if any(p is None for p in parts) else _and(self.model, parts)
        if isinstance(cond, AnyOf):
            parts = [self.compile(c) for c in cond.any]
            return None if any(p is None for p in parts) else _or(self.model, parts)
        if isinstance(cond, Not):
            inner = self.compile(cond.not_)
            return None if inner is None else inner.Not()
        return self._leaf(cond)

    def _set_fact(self, per: Callable[[str], Lit], op: str, value: Any, neg: bool) -> Lit | None:
        names = _names(value)
        if op == "exists" and neg:  # missing_* exists: something is missing
            return None
        if names is None:
            return None
        lits = [per(n).Not() if neg else per(n) for n in names]
        if op in ("contains", "contains_all"):
            return _and(self.model, lits)
        if op == "contains_any":
            return _or(self.model, lits)
        return None

    def _leaf(self, leaf: Leaf) -> Lit | None:
        path, op, value = leaf.fact, leaf.op, leaf.operand
        f = self.facts
        if not path.startswith("programme."):
            if isinstance(value, dict) or hasattr(value, "fact"):
                return None
            return self.model.new_constant(int(compile_condition(leaf).test(self.env)))
        name = path.removeprefix("programme.")
        simple: dict[str, tuple[Callable[[str], Lit], bool]] = {
            "goals": (f.goal, False),
            "topics": (f.topic, False),
            "methods": (f.method, False),
            "learning_types": (f.learning_type, False),
            "missing_learning_types": (f.learning_type, True),
            "domains": (f.domain, False),
            "perspectives": (f.perspective, False),
            "missing_perspectives": (f.perspective, True),
        }
        if name in simple:
            per, neg = simple[name]
            if op == "exists" and value is True and name == "missing_perspectives":
                from curribuild.models.common import PERSPECTIVES

                return _or(self.model, [f.perspective(p).Not() for p in PERSPECTIVES])
            return self._set_fact(per, op, value, neg)
        if name.startswith("learning_type_minutes."):
            kind = name.split(".", 1)[1]
            used = f.contact_learning_type(kind)
            if (op == "eq" and value == 0) or (op == "lte" and value == 0):
                return used.Not()
            if (op == "gt" and value == 0) or (op == "gte" and value == 1):
                return used
            return None
        if name == "any_sensitive" and op in ("eq", "ne") and isinstance(value, bool):
            lit = f.sensitive()
            return lit if (value if op == "eq" else not value) else lit.Not()
        if name == "unmet_gaps" and op == "exists" and isinstance(value, bool):
            lit = f.unmet_gap()
            return lit if value else lit.Not()
        return None


class _Builder:
    def __init__(
        self,
        problem: Problem,
        needs: Needs,
        avoid: list[Rule],
        *,
        assume: bool,
        hint: Hint | None,
        days: Mapping[int, tuple[int, int]] | None = None,
    ) -> None:
        self.p = problem
        self.model = model = cp_model.CpModel()
        frame = problem.frame
        self.assumptions: dict[str, Lit] = {}
        goals = problem.goals
        shortest = min(
            (part for g in goals for ln in g.lengths for part in ln.parts), default=frame.max_block
        )
        self.K = K = frame.blocks(shortest)
        D = frame.days
        self.take = [model.new_bool_var(f"take_{g.id}") for g in goals]
        self.use = [[model.new_bool_var("") for _ in g.methods] for g in goals]
        self.size = [[model.new_bool_var("") for _ in g.lengths] for g in goals]
        # part placement: x[g][length][part] -> {(d, k): var}
        self.x: list[list[list[dict[tuple[int, int], Lit]]]] = []
        teach: dict[tuple[int, int], list[tuple[int, Lit]]] = {}
        talk: dict[tuple[int, int], list[tuple[int, Lit]]] = {}
        opens: dict[tuple[int, int], list[Lit]] = {}
        closes: dict[tuple[int, int], list[Lit]] = {}
        self.first_pos: list[Any] = []
        self.last_pos: list[Any] = []
        self.pending_pairs: list[tuple[dict[tuple[int, int], Lit], dict[tuple[int, int], Lit]]] = []
        self.vars: list[GoalVars] = []  # by proto index, for the repair
        # self-paced pre-work: taken and timed, but in no block of any day
        self.pre: list[Lit | None] = []  # None: the goal cannot be pre-work
        pre_minutes: list[Any] = []
        for i, g in enumerate(goals):
            model.add(sum(self.use[i]) == self.take[i])
            model.add(sum(self.size[i]) == self.take[i])
            pre = _or(model, [self.use[i][j] for j in g.pre_by]) if g.pre_by else None
            for j in g.barred:
                model.add(self.use[i][j] == 0)
            self.pre.append(pre)
            placed: list[Any] = []  # per length: chosen and taught in the days
            for li, ln in enumerate(g.lengths):
                if pre is None or not any(j in ln.methods for j in g.pre_by):
                    placed.append(self.size[i][li])
                    continue
                ahead = model.new_bool_var("")  # this length, as pre-work
                model.add_implication(ahead, self.size[i][li])
                model.add_implication(ahead, pre)
                model.add_bool_or([self.size[i][li].Not(), pre.Not(), ahead])
                pre_minutes.append(ln.minutes * ahead)
                placed.append(self.size[i][li] - ahead)
            for li, ln in enumerate(g.lengths):
                for j in range(len(g.methods)):
                    if j not in ln.methods:
                        model.add_bool_or([self.use[i][j].Not(), self.size[i][li].Not()])
            debriefed = self._debriefed(i)
            window = days.get(i) if days else None
            day_range = range(window[0], window[1] + 1) if window else range(D)
            per_length = []
            pairs: list[tuple[dict[tuple[int, int], Lit], dict[tuple[int, int], Lit]]] = []
            first_terms: list[Any] = []
            last_terms: list[Any] = []
            for li, ln in enumerate(g.lengths):
                n = len(ln.parts)
                per_part: list[dict[tuple[int, int], Lit]] = []
                for pi, minutes in enumerate(ln.parts):
                    cells: dict[tuple[int, int], Lit] = {}
                    for d in day_range:
                        # a part p needs p earlier blocks and n-1-p later ones that day
                        for k in range(pi, K - (n - 1 - pi)):
                            var = model.new_bool_var("")
                            cells[(d, k)] = var
                            teach.setdefault((d, k), []).append((minutes, var))
                            if pi == n - 1 and g.debrief:
                                talk.setdefault((d, k), []).append((g.debrief, debriefed(var)))
                            if n > 1 and pi < n - 1:
                                closes.setdefault((d, k), []).append(var)
                            if n > 1 and pi > 0:
                                opens.setdefault((d, k), []).append(var)
                    model.add(sum(cells.values()) == placed[li])
                    per_part.append(cells)
                for pi in range(n - 1):  # consecutive blocks of one day
                    pairs.append((per_part[pi], per_part[pi + 1]))
                for (d, k), var in per_part[0].items():
                    first_terms.append((d * K + k) * var)
                for (d, k), var in per_part[-1].items():
                    last_terms.append((d * K + k) * var)
                per_length.append(per_part)
            self.x.append(per_length)
            self.vars.append(
                GoalVars(
                    take=self.take[i].index,
                    choice=[v.index for v in (*self.use[i], *self.size[i])],
                    cells=[
                        (d, v.index)
                        for per_part in per_length
                        for cells in per_part
                        for (d, _), v in cells.items()
                    ],
                )
            )
            self.pending_pairs.extend(pairs)
            self.first_pos.append(sum(first_terms))
            self.last_pos.append(sum(last_terms))
        self.cells = teach
        if pre_minutes:
            model.add(sum(pre_minutes) <= problem.pre_work)
        # prerequisites: taken, and finished no later than the dependant starts; the
        # prerequisites of pre-work are pre-work too (it all comes before the first day)
        for i, g in enumerate(goals):
            for r in g.prereqs:
                model.add_implication(self.take[i], self.take[r])
                model.add(self.last_pos[r] <= self.first_pos[i]).only_enforce_if(self.take[i])
                pre_i, pre_r = self.pre[i], self.pre[r]
                if pre_i is not None and pre_r is not None:
                    model.add_implication(pre_i, pre_r)
                elif pre_i is not None:
                    model.add(pre_i == 0)
        # blocks and days: the first `self.morning` blocks come before lunch
        debrief_extra = max((g.debrief for g in goals), default=0)
        self.morning = M = frame.halves(shortest)[0]
        self.used: list[list[Lit]] = []
        self.afternoon: list[Lit] = []
        self.reflection_break: list[Lit] = []
        frame_ok = self._assume("frame") if assume else None
        self.block_len: list[list[Any]] = []
        capacity = 0
        for d in range(D):
            used = [model.new_bool_var("") for _ in range(K)]
            self.used.append(used)
            lengths_ = []
            teaching_day = []
            for k in range(K):
                cell = (d, k)
                t = sum(m * v for m, v in teach.get(cell, []))
                s = t + sum(m * v for m, v in talk.get(cell, []))
                model.add(t <= frame.max_block * used[k])
                model.add(sum(v for _, v in teach.get(cell, [])) >= used[k])
                if debrief_extra:
                    model.add(s <= frame.max_block + debrief_extra)
                if len(opens.get(cell, [])) > 1:
                    model.add(sum(opens[cell]) <= 1)
                if len(closes.get(cell, [])) > 1:
                    model.add(sum(closes[cell]) <= 1)
                if k and k != M:
                    model.add(used[k] <= used[k - 1])
                lengths_.append(s)
                teaching_day.append(t)
            self.block_len.append(lengths_)
            day_used = used[0]
            after = used[M] if M < K else model.new_constant(0)
            if M < K:
                model.add(after <= day_used)
            self.afternoon.append(after)
            morning = sum(lengths_[:M]) + frame.break_minutes * (sum(used[:M]) - day_used)
            afternoon = sum(lengths_[M:]) + frame.break_minutes * (sum(used[M:]) - after)
            rb = model.new_bool_var("") if frame.reflection else model.new_constant(0)
            self.reflection_break.append(rb)
            if frame.reflection:
                cap = frame.max_block + max(debrief_extra, frame.reflection)
                big = frame.max_block + debrief_extra + frame.reflection
                for k in range(K):
                    following = used[k + 1] if k + 1 < K and k + 1 != M else None
                    if k == M - 1 and M < K:
                        last = used[k] - after
                    else:
                        last = used[k] - (following if following is not None else 0)
                    model.add(lengths_[k] + frame.reflection - cap <= big * (1 - last) + big * rb)
            total = (
                morning
                + afternoon
                + frame.lunch * after
                + frame.reflection * day_used
                + frame.break_minutes * rb
            )
            cons = [
                model.add(total <= frame.span),
                model.add(sum(teaching_day) <= frame.teaching_cap),
            ]
            if frame.has_lunch:
                cons.append(model.add(morning <= frame.lunch_target + LUNCH_WINDOW - frame.start))
                early = model.add(morning >= frame.lunch_target - LUNCH_WINDOW - frame.start)
                early.only_enforce_if(after)
            if frame_ok is not None:
                for con in cons:
                    con.only_enforce_if(frame_ok)
            capacity += min(frame.teaching_cap, frame.span)
        teach_total = sum(m * v for cell in teach.values() for m, v in cell)
        model.add(teach_total <= capacity)
        # the parts of a goal: in consecutive blocks of one day, or the last morning
        # block in use and the first block after lunch
        for here, nxt in self.pending_pairs:
            for (d, k), var in here.items():
                follow = [nxt[(d, k + 1)]] if (d, k + 1) in nxt else []
                if k + 1 < M and (d, M) in nxt:
                    across = model.new_bool_var("")
                    model.add_implication(across, var)
                    model.add_implication(across, nxt[(d, M)])
                    model.add_implication(across, self.used[d][k + 1].Not())
                    follow.append(across)
                model.add(var <= sum(follow))
            for (d, k), var in nxt.items():
                before = [here[(d, k - 1)]] if (d, k - 1) in here else []
                if k == M:
                    before += [here[(d, j)] for j in range(M - 1) if (d, j) in here]
                model.add(var <= sum(before))
        # hard requirements: core goals, high gaps met
        for i, g in enumerate(goals):
            if g.selected.required:
                if assume:
                    model.add(self.take[i] == 1).only_enforce_if(self._assume(f"core:{g.id}"))
                else:
                    model.add(self.take[i] == 1)
        self.gap_met = []
        for gap in problem.gaps:
            met = model.new_bool_var("")
            model.add(met <= sum(self.take[i] for i in gap.goals))
            self.gap_met.append(met)
            if gap.priority == "high":
                if assume:
                    model.add(met == 1).only_enforce_if(self._assume(f"gap:{gap.topic}"))
                else:
                    model.add(met == 1)
        self.facts = _Facts(self)
        compiler = _Compiler(model, self.facts, needs)
        self.avoid: dict[str, Lit] = {}
        for rule in avoid:
            lit = compiler.compile(rule.when)
            if lit is not None:
                self.avoid[rule.id] = lit
        self._objective()
        if hint is not None:
            self._hint(hint)

    def _debriefed(self, i: int) -> Callable[[Lit], Lit]:
        """For goal ``i``: the literal "this last part is followed by a debrief", from the
        literal of the part's placement: the placement itself when every method of the
        goal is debriefed, else the placement and a debriefed method together."""
        g = self.p.goals[i]
        if len(g.debriefed_by) == len(g.methods):
            return lambda var: var
        model = self.model
        chosen = _or(model, [self.use[i][j] for j in g.debriefed_by])

        def both(var: Lit) -> Lit:
            out = model.new_bool_var("")
            model.add_implication(out, var)
            model.add_implication(out, chosen)
            model.add_bool_or([var.Not(), chosen.Not(), out])
            return out

        return both

    def _cells(self, i: int, *, last: bool) -> dict[tuple[int, int], list[Lit]]:
        """The block each length of goal ``i`` starts (or ends) in: cell -> literals."""
        out: dict[tuple[int, int], list[Lit]] = {}
        for per_part in self.x[i]:
            for cell, var in (per_part[-1] if last else per_part[0]).items():
                out.setdefault(cell, []).append(var)
        return out

    def _assume(self, name: str) -> Lit:
        lit = self.model.new_bool_var(name)
        self.assumptions[name] = lit
        return lit

    def learning_type(self, kind: str, *, contact: bool = False) -> Lit:
        lits = [
            self.use[i][j]
            for i, g in enumerate(self.p.goals)
            for j, o in enumerate(g.methods)
            if o.learning_type == kind and not (contact and g.pre_work(j))
        ]
        return _or(self.model, lits)

    def perspective(self, name: str) -> Lit:
        return _or(self.model, [self.take[i] for i in self.p.perspectives.get(name, ())])

    def _objective(self) -> None:
        p, model, w = self.p, self.model, self.p.weights
        terms: list[Any] = []
        spread = 0  # the most the non-avoid terms can move the objective
        upper = 0  # no plan scores more: every gain at once, no cost
        order: list[Any] = []  # the second stage: pedagogy and position
        for i, g in enumerate(p.goals):
            if g.value:
                terms.append(g.value * self.take[i])
                spread += g.value
                upper += max(0, g.value)
            if not g.selected.requested:
                terms.append(-w.unrequested_goal * self.take[i])
                spread += w.unrequested_goal
            # a method costs what it scores below the goal's best: taking a goal never
            # gains from its method, so only gaps and coverage bring goals in
            best = max((o.score for o in g.methods), default=0)
            for j, o in enumerate(g.methods):
                if o.score < best:
                    terms.append(w.method_score * (o.score - best) * self.use[i][j])
            if g.methods:
                spread += w.method_score * (best - min(o.score for o in g.methods))
            # a method's maximum is no shortening
            full = min(g.selected.goal.minutes, max(o.default for o in g.methods))
            for li, ln in enumerate(g.lengths):
                short = max(0, full - ln.minutes)
                if short:
                    terms.append(-w.shortened_minute * short * self.size[i][li])
                    spread += w.shortened_minute * short
            # foundations early: core goals most, then remember/understand goals
            early = 3 if g.selected.required else 1 if g.bloom <= 1 else 0
            if early and w.position:
                order.append(-w.position * early * self.first_pos[i])
        for k, gap in enumerate(p.gaps):
            if gap.priority != "high":
                terms.append(w.gap_met * self.gap_met[k])
                spread += w.gap_met
                upper += w.gap_met
        from curribuild.models.common import LEARNING_TYPES, PERSPECTIVES

        if w.learning_type:
            for kind in LEARNING_TYPES:
                terms.append(w.learning_type * self.facts.learning_type(kind))
                spread += w.learning_type
                upper += w.learning_type
        if w.perspective:
            for name in PERSPECTIVES:
                terms.append(w.perspective * self.facts.perspective(name))
                spread += w.perspective
                upper += w.perspective
        if w.pedagogy:
            for a, b in self._pedagogy_pairs():
                late = model.new_bool_var("")
                big = p.frame.days * self.K + 1
                model.add(
                    self.first_pos[a]
                    <= self.first_pos[b] + big * late + big * (2 - self.take[a] - self.take[b])
                )
                order.append(-w.pedagogy * late)
        avoid_weight = spread + 1
        for lit in self.avoid.values():
            terms.append(-avoid_weight * lit)
        self.primary = sum(terms)
        self.upper = upper
        self.secondary = sum(order)
        model.maximize(self.primary)

    def _pedagogy_pairs(self) -> Iterable[tuple[int, int]]:
        """(a, b): a should start no later than b. Lower Bloom levels first within a topic;
        goals of the ``before_sensitive`` topics before sensitive goals."""
        goals = self.p.goals
        if len(goals) > 300:  # pairwise terms stay for realistic requests
            return
        related = {(i, r) for i, g in enumerate(goals) for r in g.prereqs}
        topics: dict[str, list[int]] = {}
        for i, g in enumerate(goals):
            for t in g.selected.goal.topics:
                topics.setdefault(t, []).append(i)
        seen: set[tuple[int, int]] = set()
        for members in topics.values():
            for a in members:
                for b in members:
                    if (
                        goals[a].bloom < goals[b].bloom
                        and (b, a) not in related
                        and (a, b) not in seen
                    ):
                        seen.add((a, b))
                        yield a, b
        for a in self.p.before_sensitive:
            for b, g in enumerate(goals):
                if g.selected.goal.sensitive and a != b and (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b

    def _hint(self, hint: Hint) -> None:
        model = self.model
        for i in range(len(self.p.goals)):
            placed = hint.placements.get(i)
            model.add_hint(self.take[i], placed is not None)
            for j, var in enumerate(self.use[i]):
                model.add_hint(var, placed is not None and placed.method == j)
            for li, var in enumerate(self.size[i]):
                model.add_hint(var, placed is not None and placed.length == li)
            for li, per_part in enumerate(self.x[i]):
                for pi, cells in enumerate(per_part):
                    want = (
                        placed.blocks[pi]
                        if placed is not None and placed.length == li and pi < len(placed.blocks)
                        else None
                    )
                    for cell, var in cells.items():
                        model.add_hint(var, cell == want)


def solve(
    problem: Problem,
    needs: Needs,
    avoid: list[Rule],
    *,
    deterministic_seconds: float,
    seed: int,
    hint: Hint | None = None,
    days: Mapping[int, tuple[int, int]] | None = None,
) -> Solution:
    """The best plan the solver finds within its deterministic limit.

    Raises Infeasible (with the conflicting requirement groups, made minimal)
    or Unknown.
    """
    b = _Builder(problem, needs, avoid, assume=False, hint=hint, days=days)
    large = len(b.model.proto.variables) > LARGE
    limit = deterministic_seconds
    first = _solver(limit * (1.0 if large else FIRST_STAGE), seed, large=large)
    status = first.solve(b.model)
    if status == cp_model.INFEASIBLE:
        raise Infeasible(conflict(problem, needs, avoid, deterministic_seconds, seed, days))
    found: Found | None = None
    bound = round(first.best_objective_bound)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = _found(first)
    elif status == cp_model.UNKNOWN and hint is not None:
        # no solution within the limit: the hint itself, when it is a plan; the
        # first stage proved nothing, so the bound is the objective's own ceiling
        fixed = _solver(limit, seed, large=large)
        fixed.parameters.fix_variables_to_their_hinted_value = True
        if fixed.solve(b.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = _found(fixed)
            # a bound the first stage proved without a plan, or the objective's ceiling
            bound = min(b.upper, round(first.best_objective_bound))
    if found is None:
        raise Unknown()
    found.deterministic_seconds += first.response_proto.deterministic_time
    found.wall_seconds += first.wall_time
    proven = status == cp_model.OPTIMAL
    proof: dict[str, bool] = {}
    if not proven and not large:  # a large model had the whole limit in one stage
        # first the warnings: forbidding them prunes the search more than anything
        # (and, when a plan without them exists, keeps them out of the repair too)
        found, proof = _avoid_harder(b, found, limit * (1 - FIRST_STAGE), seed)
        found = repair(
            b.model,
            b.vars,
            problem.frame.days,
            found,
            limit * REPAIR,
            lambda seconds: _solver(seconds, seed),
        )
    primary = (proven, found.objective, max(bound, found.objective))
    if large:  # the second stage would presolve the whole model again
        return _read(b, found.values, primary, None, proof, found)
    # second stage: the best order among plans that keep the first stage's value
    model = b.model
    hint_all(model, found.values)
    model.add(b.primary >= found.objective)
    model.maximize(b.secondary)
    second = _solver(max(0.5, limit - found.deterministic_seconds), seed)
    status2 = second.solve(model)
    found.deterministic_seconds += second.response_proto.deterministic_time
    found.wall_seconds += second.wall_time
    if status2 == cp_model.OPTIMAL:
        order = (True, round(second.objective_value), round(second.best_objective_bound))
        return _read(b, list(second.response_proto.solution), primary, order, proof, found)
    # unproven order: improve it day by day as the first stage was (every order term
    # is a penalty, so 0 bounds it when the solver proved nothing)
    if status2 == cp_model.FEASIBLE:
        start = Found(list(second.response_proto.solution), round(second.objective_value))
        order_bound = min(0, round(second.best_objective_bound))
    else:
        start = Found(list(found.values), objective_at(model, found.values))
        order_bound = 0
    reordered = repair(
        model,
        b.vars,
        problem.frame.days,
        start,
        limit * REORDER,
        lambda seconds: _solver(seconds, seed),
        whole=False,
        rounds=1,  # each attempt costs wall time however small the day: one pass
    )
    found.deterministic_seconds += reordered.deterministic_seconds
    found.wall_seconds += reordered.wall_seconds
    found.improved += reordered.improved
    order = (False, reordered.objective, max(order_bound, reordered.objective))
    return _read(b, reordered.values, primary, order, proof, found)


def _found(solver: cp_model.CpSolver) -> Found:
    return Found(list(solver.response_proto.solution), round(solver.objective_value))


def _value(values: list[int], lit: Lit) -> bool:
    """A literal's truth in a solution given as every variable's value."""
    index: int = lit.index
    return values[index] == 1 if index >= 0 else values[-index - 1] == 0


def _avoid_harder(
    b: _Builder, found: Found, seconds: float, seed: int
) -> tuple[Found, dict[str, bool]]:
    """When the first stage stopped unproven with an avoidable warning still holding:
    solve again with the warnings forbidden. A plan found is better (the warnings
    outweigh everything else) and is kept; none means they cannot be avoided
    (proven when the solver says infeasible). Returns the plan to keep and, per
    warning still holding, whether that was proven."""
    held = {rid: lit for rid, lit in b.avoid.items() if _value(found.values, lit)}
    if not held:
        return found, {}
    trial = b.model.clone()
    for lit in held.values():
        index = lit.index
        if index < 0:  # a negated variable
            trial.add(trial.get_bool_var_from_proto_index(-index - 1) == 1)
        else:
            trial.add(trial.get_bool_var_from_proto_index(index) == 0)
    again = _solver(seconds, seed)
    status = again.solve(trial)
    found.deterministic_seconds += again.response_proto.deterministic_time
    found.wall_seconds += again.wall_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for lit in held.values():
            b.model.add(lit == 0) if lit.index >= 0 else b.model.add(lit.Not() == 1)
        better = _found(again)
        better.deterministic_seconds = found.deterministic_seconds
        better.wall_seconds = found.wall_seconds
        return better, {}
    return found, dict.fromkeys(held, status == cp_model.INFEASIBLE)


def feasible(
    problem: Problem,
    needs: Needs,
    avoid: list[Rule],
    deterministic_seconds: float,
    seed: int,
) -> bool:
    """Whether any plan meets the hard constraints (the objective is not optimised)."""
    b = _Builder(problem, needs, [], assume=False, hint=None)
    b.model.clear_objective()  # type: ignore[no-untyped-call]
    solver = _solver(deterministic_seconds, seed)
    return solver.solve(b.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def conflict(
    problem: Problem,
    needs: Needs,
    avoid: list[Rule],
    deterministic_seconds: float,
    seed: int,
    days: Mapping[int, tuple[int, int]] | None = None,
) -> list[str]:
    """A minimal set of requirement groups (``frame``, ``core:ID``, ``gap:TOPIC``) that
    cannot hold together: the solver's core, shrunk by deletion."""

    def infeasible(groups: list[str]) -> list[str] | None:
        b = _Builder(problem, needs, [], assume=True, hint=None, days=days)
        b.model.clear_objective()  # type: ignore[no-untyped-call]
        for name, lit in b.assumptions.items():
            if name not in groups:
                b.model.add(lit == 0)
        b.model.add_assumptions([b.assumptions[n] for n in groups])
        solver = _solver(deterministic_seconds, seed)
        status = solver.solve(b.model)
        if status != cp_model.INFEASIBLE:
            return None
        index = {v.index: n for n, v in b.assumptions.items()}
        core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        return sorted(core, key=groups.index) or groups

    probe = _Builder(problem, needs, [], assume=True, hint=None, days=days)
    groups = list(probe.assumptions)
    core = infeasible(groups)
    if core is None:
        return []
    for name in list(core):
        trial = [n for n in core if n != name]
        smaller = infeasible(trial) if trial else None
        if smaller is not None:
            core = smaller
    return core


def solver_version() -> str:
    from importlib.metadata import version

    return version("ortools")


def _solver(deterministic_seconds: float, seed: int, *, large: bool = False) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    if large:  # probing and symmetry detection would take the whole limit
        params.cp_model_probing_level = 0
        params.symmetry_level = 0
    params.num_workers = 1
    params.random_seed = seed
    params.max_deterministic_time = deterministic_seconds
    params.max_time_in_seconds = 10_000.0  # never the limit that binds: plans stay deterministic
    params.linearization_level = 2  # the LP relaxation proves optimality far sooner here
    return solver


def _first_of_equals(g: GoalSpec, method: int, length: int, named: set[str]) -> int:
    """Among methods the objective cannot tell apart from the chosen one (same score,
    same learning type, the same length allowed, named by no avoidable rule), the
    earliest in the catalogue: ties go by catalogue order, exactly as the rules
    engine breaks them."""
    chosen = g.methods[method]
    if chosen.method in named:
        return method
    equal = [
        j
        for j in g.lengths[length].methods
        if g.methods[j].score == chosen.score
        and g.methods[j].learning_type == chosen.learning_type
        and g.methods[j].method not in named
        and g.pre_work(j) == g.pre_work(method)
    ]
    return min(equal, key=lambda j: g.methods[j].index, default=method)


def _read(
    b: _Builder,
    values: list[int],
    primary: tuple[bool, int, int],
    order: tuple[bool, int, int] | None,
    proof: dict[str, bool],
    found: Found,
) -> Solution:
    """The solution given by ``values``; ``primary`` is the first stage's (proven,
    objective, bound), ``order`` the second stage's (None when it found nothing)."""
    placements: dict[int, Placement] = {}
    named = {name for kind, name in b.facts.cache if kind == "method"}
    for i, g in enumerate(b.p.goals):
        if not _value(values, b.take[i]):
            continue
        method = next(j for j, v in enumerate(b.use[i]) if _value(values, v))
        length = next(li for li, v in enumerate(b.size[i]) if _value(values, v))
        method = _first_of_equals(g, method, length, named)
        blocks = (
            []
            if g.pre_work(method)
            else [
                next(cell for cell, v in cells.items() if _value(values, v))
                for cells in b.x[i][length]
            ]
        )
        placements[i] = Placement(method, length, blocks)
    lunch_after: list[int | None] = [
        b.morning if _value(values, after) else None for after in b.afternoon
    ]
    proven = primary[0] and order is not None and order[0]
    return Solution(
        status="optimal" if proven else "feasible",
        objective=primary[1],
        bound=primary[2],
        order_objective=order[1] if order is not None else 0,
        order_bound=order[2] if order is not None else 0,
        placements=placements,
        reflection_break=[_value(values, v) for v in b.reflection_break],
        lunch_after=lunch_after,
        avoided={rid: _value(values, lit) for rid, lit in b.avoid.items()},
        proven=dict.fromkeys(b.avoid, True) if primary[0] else dict(proof),
        wall_seconds=found.wall_seconds,
        deterministic_seconds=found.deterministic_seconds,
        repaired=found.improved,
    )
