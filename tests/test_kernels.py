"""Warm kernels: forked after the heavy imports, yet each chapter in a fresh, clean process."""
import nbformat
import pytest
from nbclient import NotebookClient

from lacoe_report.book import kernels

pytestmark = pytest.mark.slow  # starts kernels: make test, not make check


def run(sources: list[str], kernel_name: str) -> list[str]:
    """Execute code cells in a new kernel; return each cell's printed text."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, kernel_name=kernel_name).execute()
    return ["".join(o.get("text", "") for o in c.outputs).strip() for c in notebook.cells]


def test_every_warm_kernel_is_a_new_process_with_an_empty_namespace():
    name = kernels.use_warm_kernels()
    first = run(["import os; leaked = 1; print(os.getpid())"], name)
    second = run(["import os; print(os.getpid())", "print('leaked' in dir())"], name)
    assert first[0] != second[0]
    assert second[1] == "False"


def test_warm_kernel_was_forked_with_pandas_already_imported():
    name = kernels.use_warm_kernels()
    # In the forked child pandas is in sys.modules before any cell imports it.
    assert run(["import sys; print('pandas' in sys.modules)"], name) == ["True"]


def test_import_time_defaults_match_a_stock_kernel():
    # pandas picks display.max_columns at import from whether it runs in a kernel:
    # a mismatch would change how every table prints.
    probe = ["import pandas as pd, matplotlib; print(pd.get_option('display.max_columns'), "
             "pd.get_option('display.width'), matplotlib.get_backend())"]
    assert run(probe, kernels.use_warm_kernels()) == run(probe, "python3")


def test_a_failing_cell_fails_the_warm_kernel_run_as_in_a_stock_one():
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        run(["1 / 0"], kernels.use_warm_kernels())


def test_the_book_package_is_preloaded_unless_the_kernel_is_for_another_project_root(tmp_path):
    import os

    from jupyter_client.manager import KernelManager

    probe = "import sys; print('lacoe_report.core.data' in sys.modules)"
    assert run([probe], kernels.use_warm_kernels()) == ["True"]
    # Paths are fixed when the package is imported: a kernel for another root imports it afresh.
    manager = KernelManager(kernel_name=kernels.use_warm_kernels())
    manager.start_kernel(env={**os.environ, "LACOE_PROJ_ROOT": str(tmp_path)})
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        printed = []
        client.execute_interactive(probe, timeout=60,
                                   output_hook=lambda m: printed.append(m["content"].get("text", "")))
        assert "".join(printed).strip() == "False"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_forked_child_starts_its_own_server_and_leaves_its_parents_alone():
    # make verify forks its nbval workers: a worker that finds its parent's server object
    # must neither use nor close it (closing removed the parent's socket: its next kernel waited 120 s).
    import os
    import time

    parent = kernels.server()
    deadline = time.monotonic() + 60
    while not os.path.exists(parent.address) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.exists(parent.address)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            own = kernels.server()
            code = 0 if own is not parent else 2
            own.close()
        finally:
            os._exit(code)
    assert os.waitpid(pid, 0)[1] == 0
    assert os.path.exists(parent.address) and kernels.server() is parent
