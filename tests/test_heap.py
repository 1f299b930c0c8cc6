"""landgis.heap: the cyclic GC kept off long-lived objects (each test in a fresh interpreter: it changes the process's GC)."""

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def test_frozen_blocks_nest_and_the_outermost_lets_the_objects_back():
    out = _run("""
        import gc
        from landgis.heap import frozen
        keep = [[] for _ in range(1000)]
        with frozen():
            a = gc.get_freeze_count()
            with frozen():
                pass
            b = gc.get_freeze_count()  # the inner block's end leaves the outer's objects frozen
        print(a > 1000, b == a, gc.get_freeze_count())
    """)
    assert out == "True True 0"


def test_an_import_runs_without_the_collector_and_its_objects_stay_out_of_it_while_the_command_runs():
    out = _run("""
        import gc
        from landgis.heap import frozen, import_quietly
        runs = []
        gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
        with frozen():  # as landgis.cli.main runs the command
            import_quietly("landgis.plan")  # tens of thousands of objects: the collector would have run
            during, frozen_after = len(runs), gc.get_freeze_count()
            with frozen():  # draw_sheets' block inside the command
                pass
            kept = gc.get_freeze_count() >= frozen_after
        print(during, frozen_after > 10000, kept, gc.get_freeze_count(), gc.isenabled())
    """)
    assert out == "0 True True 0 True"


def test_the_command_gives_a_calling_program_its_collector_back():
    out = _run("""
        import gc, io, contextlib
        from landgis.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(["plan"])  # imports the plan reader through landgis.commands
        print(status, gc.get_freeze_count(), gc.isenabled())
    """)
    assert out == "0 0 True"
