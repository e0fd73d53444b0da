"""Warm kernels: forked after the heavy imports, yet each chapter in a fresh, clean process."""
import nbformat
import pytest
from nbclient import NotebookClient

from lacoe_report.book import kernels
from lacoe_report.book.kernels.forks import ForkServer

pytestmark = pytest.mark.slow  # starts kernels: make test, not make check


def run(sources: list[str], kernel_name: str) -> list[str]:
    """Execute code cells in a new kernel; return each cell's printed text."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, kernel_name=kernel_name).execute()
    return ["".join(o.get("text", "") for o in c.outputs).strip() for c in notebook.cells]


def listening(server: ForkServer, within: float = 60) -> None:
    """Wait until ``server`` has made its socket (after its imports); fail if it does not within ``within`` s."""
    import os
    import time

    deadline = time.monotonic() + within
    while not os.path.exists(server.address) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.exists(server.address)


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
    # a mismatch would change how every table prints. The server imports with the
    # garbage collector off: a kernel must have it on again.
    probe = ["import gc, pandas as pd, matplotlib; print(pd.get_option('display.max_columns'), "
             "pd.get_option('display.width'), matplotlib.get_backend(), gc.isenabled())"]
    assert run(probe, kernels.use_warm_kernels()) == run(probe, "python3")


def test_a_failing_cell_fails_the_warm_kernel_run_as_in_a_stock_one():
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        run(["1 / 0"], kernels.use_warm_kernels())


def test_the_book_package_is_preloaded():
    assert run(["import sys; print('lacoe_report.core.data' in sys.modules)"], kernels.use_warm_kernels()) == ["True"]


def test_a_connection_that_sends_nothing_or_nonsense_leaves_the_kernel_server_serving():
    # Any process of the user may connect to the socket: a kernel server that died of it
    # left every later kernel of its command waiting 120 s for a socket that still existed.
    import os
    import socket
    import time

    server = ForkServer()
    try:
        listening(server)
        for sent in (b"", b"not json\n"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stray:
                stray.connect(server.address)
                stray.sendall(sent)
        time.sleep(0.2)
        assert server.process.poll() is None
        # It still forks kernels: this child fails at once on an unknown option, but it was forked.
        assert server.spawn(["--not-a-kernel-option"], dict(os.environ), "/", timeout=30) > 0
    finally:
        server.close()


def test_xdist_workers_fork_their_kernels_from_one_server(tmp_path):
    # Each worker starting its own server when its first chapter ran cost two servers' imports
    # at once on two cores; the controller's one server is started while pytest starts.
    import json
    import subprocess
    import sys

    cell = ("import json, os; json.dump({'worker': os.environ.get('PYTEST_XDIST_WORKER'), "
            "'server': os.getppid()}, open(f'{os.getpid()}.json', 'w'))")
    for name in ("a", "b"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), tmp_path / f"{name}.ipynb")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                             "-n", "2", "--dist", "loadfile", "--nbval-lax", "-p",
                             "lacoe_report.book.kernels.pytest_plugin", "--nbval-kernel-name", kernels.KERNEL_NAME,
                             "a.ipynb", "b.ipynb"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]
    runs = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert sorted(r["worker"] for r in runs) == ["gw0", "gw1"]
    assert runs[0]["server"] == runs[1]["server"]


def test_make_verify_s_nbval_forks_every_kernel_from_the_server_verify_started(tmp_path):
    # make verify starts its server before its data checks and names it to nbval's pytest
    # (kernels.SHARED_ENV), which then starts no server of its own.
    import json
    import os
    import subprocess
    import sys

    from lacoe_report.book import verify
    from lacoe_report.book.kernels import SHARED_ENV

    cell = "import json, os; json.dump(os.getppid(), open(f'{os.getpid()}.json', 'w'))"
    paths = [tmp_path / f"{name}.ipynb" for name in ("a", "b")]
    for path in paths:
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), path)
    server = ForkServer()
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", *verify.nbval_args(paths, workers=2)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=300,
                                env={**os.environ, SHARED_ENV: server.share()})
    finally:
        server.close()
    assert result.returncode == 0, result.stdout[-2000:]
    assert [json.loads(p.read_text()) for p in tmp_path.glob("*.json")] == [server.pid, server.pid]


def test_warm_kernels_talk_over_unix_sockets_in_the_server_s_folder_not_tcp_ports():
    # Each process picks TCP ports that are free when it looks: two starting kernels at once
    # picked the same one in 4 of 800 kernels, and nbval hung on the kernel that died of it.
    import os

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    client = NotebookClient(notebook, kernel_name=kernels.use_warm_kernels())
    with client.setup_kernel():
        info = client.km.get_connection_info()
        client.execute_cell(notebook.cells[0], 0)
    assert info["transport"] == "ipc"
    assert os.path.dirname(info["ip"]) == os.path.dirname(kernels.server().address)
    assert notebook.cells[0].outputs[0]["data"]["text/plain"] == "2"


def test_a_kernel_server_whose_starter_was_killed_removes_its_folder():
    # A preview ended by a signal never runs its cleanup: its server, left alone, clears its own
    # folder (the socket and the kernels' sockets) instead of leaving it in the temporary directory.
    import os
    import subprocess
    import sys
    import time

    code = ("import time; from lacoe_report.book.kernels.forks import ForkServer; "
            "print(ForkServer().address, flush=True); time.sleep(120)")
    starter = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    address = starter.stdout.readline().strip()
    deadline = time.monotonic() + 60
    while not os.path.exists(address) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.exists(address)
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 30
    while os.path.exists(os.path.dirname(address)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(os.path.dirname(address))
