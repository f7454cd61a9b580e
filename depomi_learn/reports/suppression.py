"""Small-group protection of a table of results: which cells must show "<5".

Primary suppression hides every cell about 1 to 4 people. Secondary suppression then makes sure
that no hidden cell can be recovered by subtracting the others from a published total: along
every line of the table (all cells that differ in one breakdown only, the whole table for a
one-way breakdown), a hidden cell is never alone; the next smallest cell of the line is hidden
with it, and so on until nothing changes.
"""

from collections.abc import Hashable, Mapping

from .indicators import SMALL_GROUP

Key = tuple[Hashable, ...]


def _lines(keys: list[Key]) -> list[list[Key]]:
    """Group the cell keys into lines: same values in every breakdown but one."""
    width = len(keys[0]) if keys else 0
    lines: list[list[Key]] = []
    for position in range(width):
        groups: dict[Key, list[Key]] = {}
        for key in keys:
            groups.setdefault(key[:position] + key[position + 1 :], []).append(key)
        lines.extend(groups.values())
    return lines


def _alone(line: list[Key], hidden: set[Key]) -> bool:
    return sum(key in hidden for key in line) == 1


def suppressed_cells(people: Mapping[Key, int], threshold: int = SMALL_GROUP) -> set[Key]:
    """Return the keys of the cells to hide, given how many people each cell is about.

    The partner of a lone hidden cell is, in order of preference: a cell that also completes
    another line holding a lone hidden cell (one cell protects two lines), a non-empty cell,
    the smallest.
    """
    hidden = {key for key, count in people.items() if 0 < count < threshold}
    lines = _lines(list(people))
    member_of: dict[Key, list[list[Key]]] = {key: [] for key in people}
    for line in lines:
        for key in line:
            member_of[key].append(line)

    def preference(key: Key, current: list[Key]) -> tuple:
        completes = any(_alone(other, hidden) for other in member_of[key] if other is not current)
        return (not completes, people[key] == 0, people[key], str(key))

    changed = bool(hidden)
    while changed:
        changed = False
        for line in lines:
            if not _alone(line, hidden):
                continue
            candidates = [key for key in line if key not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda key: preference(key, line)))
                changed = True
    return hidden


def suppressed_in_tree(people: Mapping[Key, int], threshold: int = SMALL_GROUP) -> set[Key]:
    """Return the nodes to hide in a hierarchy of published results (region, province, item).

    `people` counts the people behind each leaf, keyed by its path from the top (for instance
    (region, province, session)); every proper prefix of a path is a published subtotal, except
    the empty one. A leaf is hidden when it is about 1 to `threshold` - 1 people. Leaves of
    `threshold` people or more stay shown (they are published elsewhere, on their own pages), so
    a lone hidden child is protected by hiding its parent: a subtotal minus its shown children
    would give the child. Going up, a subtotal is hidden when it is itself small or when exactly
    one of its children is hidden; two hidden children only ever add up to each other.
    """
    hidden = {key for key, count in people.items() if 0 < count < threshold}
    totals: dict[Key, int] = {}
    children: dict[Key, set[Key]] = {}
    for key, count in people.items():
        for length in range(1, len(key)):
            parent = key[:length]
            totals[parent] = totals.get(parent, 0) + count
            children.setdefault(parent, set()).add(key[: length + 1])
    for parent in sorted(children, key=len, reverse=True):  # the deepest subtotals first
        alone = sum(child in hidden for child in children[parent]) == 1
        if 0 < totals[parent] < threshold or alone:
            hidden.add(parent)
    return hidden
