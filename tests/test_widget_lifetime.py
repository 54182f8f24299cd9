"""Widgets are let go when the cell that made them runs again (ipywidgets keeps every open widget forever)."""
from __future__ import annotations

import pytest
from jupyter_client.manager import start_new_kernel

CODE_SETUP = "import gc, ipywidgets, helpers\ncount = lambda: len(ipywidgets.widgets.widget._instances)"


def _run(client, code: str, cell_id: str | None = None) -> str:
    """Execute ``code`` as the notebook cell ``cell_id`` (as JupyterLab sends it); the text it printed."""
    msg = client.session.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                                 "user_expressions": {}, "allow_stdin": False,
                                                 "stop_on_error": True},
                             metadata={"cellId": cell_id} if cell_id else {})
    client.shell_channel.send(msg)
    printed = []
    while True:
        reply = client.get_iopub_msg(timeout=120)
        if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
            continue
        if reply["msg_type"] == "stream":
            printed.append(reply["content"]["text"])
        elif reply["msg_type"] == "error":
            raise AssertionError("\n".join(reply["content"]["traceback"]))
        elif reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle":
            return "".join(printed)


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        _run(client, CODE_SETUP)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_rerunning_a_cell_frees_its_explorer_and_answer_widgets(kernel):
    cell = ("app = helpers.explore(route='oral')\nbox = helpers.answer('00_oral_mg_reaching_blood')\n"
            "with helpers.ask('Question 1', unit='mg') as q:\n    print('the answer')")
    _run(kernel, cell, "cell-a")
    after_one = int(_run(kernel, "gc.collect(); print(count())"))
    for _ in range(5):
        _run(kernel, cell, "cell-a")
    after_six = int(_run(kernel, "gc.collect(); print(count())"))
    assert after_six == after_one                       # each run closed the previous run's widgets
    assert _run(kernel, "print(app.controls['route'].comm is not None)").strip() == "True"   # the last one works


def test_two_cells_keep_their_own_and_code_outside_cells_is_never_closed(kernel):
    _run(kernel, "first = helpers.explore(route='rectal')", "cell-b")
    _run(kernel, "second = helpers.explore(route='rectal')", "cell-c")
    _run(kernel, "third = helpers.explore(route='rectal')")       # no cell id: a script
    _run(kernel, "fourth = helpers.explore(route='rectal')")
    alive = _run(kernel, "print([x.controls['route'].comm is not None for x in (first, second, third, fourth)])")
    assert alive.strip() == "[True, True, True, True]"
