"""Small-group protection: primary and secondary suppression of a table of results."""

from depomi_learn.reports.suppression import suppressed_cells


def test_cells_about_one_to_four_people_are_hidden():
    people = {("a",): 4, ("b",): 1, ("c",): 5, ("d",): 12, ("e",): 0}
    assert suppressed_cells(people) == {("a",), ("b",)}


def test_nothing_is_hidden_when_every_group_is_large_enough():
    assert suppressed_cells({("a",): 5, ("b",): 6, ("c",): 50}) == set()


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    # total 30 minus 7 minus 20 would give the 3 back.
    people = {("women",): 7, ("men",): 20, ("not stated",): 3}
    assert suppressed_cells(people) == {("not stated",), ("women",)}


def test_the_next_smallest_is_a_non_empty_cell_when_there_is_one():
    people = {("a",): 2, ("b",): 0, ("c",): 9, ("d",): 6}
    assert suppressed_cells(people) == {("a",), ("d",)}


def test_an_empty_cell_is_hidden_when_nothing_else_is_left():
    assert suppressed_cells({("a",): 3, ("b",): 0}) == {("a",), ("b",)}


def test_two_way_table_hides_along_rows_and_columns_until_stable():
    people = {
        ("r1", "f"): 3,
        ("r1", "m"): 10,
        ("r1", "x"): 8,
        ("r2", "f"): 9,
        ("r2", "m"): 12,
        ("r2", "x"): 6,
        ("r3", "f"): 7,
        ("r3", "m"): 11,
        ("r3", "x"): 15,
    }
    hidden = suppressed_cells(people)
    # Column f: (r1, f) is alone, so the smallest other, (r3, f), goes; row r1 then takes
    # (r1, x); row r3 takes (r3, x), which also completes column x: four cells, a rectangle.
    assert hidden == {("r1", "f"), ("r3", "f"), ("r1", "x"), ("r3", "x")}
    for position in (0, 1):
        lines: dict = {}
        for key in people:
            lines.setdefault(key[:position] + key[position + 1 :], []).append(key)
        for line in lines.values():
            assert sum(key in hidden for key in line) != 1, line


def test_a_single_cell_line_is_left_alone():
    assert suppressed_cells({("a", "x"): 3, ("b", "y"): 9}) == {("a", "x")}


def test_the_threshold_is_a_parameter():
    assert suppressed_cells({("a",): 9, ("b",): 12, ("c",): 30}, threshold=10) == {("a",), ("b",)}


def test_tree_a_lone_small_leaf_hides_its_subtotal_and_up_while_it_is_alone():
    from depomi_learn.reports.suppression import suppressed_in_tree

    # Province p1: sessions of 8 and 3 people; p2: one session of 6. The 3 is hidden, so p1
    # (11 - 8 = 3) and then the region (17 - 6 = 11) are hidden too; shown leaves stay shown.
    people = {("r", "p1", 1): 8, ("r", "p1", 2): 3, ("r", "p2", 3): 6}
    assert suppressed_in_tree(people) == {("r", "p1", 2), ("r", "p1"), ("r",)}


def test_tree_two_hidden_children_protect_each_other_and_small_subtotals_hide():
    from depomi_learn.reports.suppression import suppressed_in_tree

    people = {
        ("r", "p1", 1): 2,
        ("r", "p1", 2): 4,  # p1 shows the sum of two hidden sessions: no subtraction
        ("r", "p1", 3): 9,
        ("r", "p2", 4): 3,  # p2 is 3 people: hidden as small, and alone among r's provinces
        ("r", "p3", 5): 0,
        ("s", None, 6): 0,  # nobody answered: nothing to hide
        ("s", None, 7): 12,
    }
    hidden_sessions = {("r", "p1", 1), ("r", "p1", 2), ("r", "p2", 4)}
    assert suppressed_in_tree(people) == hidden_sessions | {("r", "p2"), ("r",)}
    # Session 2 now large enough: p1 hides for session 1, and r shows p1 + p2 only together.
    people[("r", "p1", 2)] = 5
    hidden_sessions.remove(("r", "p1", 2))
    assert suppressed_in_tree(people) == hidden_sessions | {("r", "p1"), ("r", "p2")}
