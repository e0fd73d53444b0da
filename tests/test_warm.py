"""The warm command server: each command a new process in the client's folder, environment and terminal."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest
from lacoe_report.book import warm

pytestmark = pytest.mark.slow  # each test starts processes, and some a server

PROBE = textwrap.dedent('''
    import builtins, json, os, sys
    report = {
        "pid": os.getpid(), "cwd": os.getcwd(), "argv": sys.argv[1:], "given": os.environ.get("PROBE_VALUE"),
        "stdin": sys.stdin.read() if "--read" in sys.argv else None,
        "seen_before": getattr(builtins, "_probe_was_here", False),
        "sphinx_imported": "sphinx.application" in sys.modules,
        "book_imported": "lacoe_report.core.paths" in sys.modules,
        "umask": os.umask(0o022),
    }
    builtins._probe_was_here = True
    print(json.dumps(report), flush=True)
    print("to stderr", file=sys.stderr, flush=True)
    if "--sleep" in sys.argv:
        import time
        time.sleep(60)
    if "--message" in sys.argv:
        sys.exit("a plain message")
    if "--raise" in sys.argv:
        raise RuntimeError("a bug")
    sys.exit(int(os.environ.get("PROBE_STATUS", "0")))
''')


def stop(env):
    subprocess.run([sys.executable, "-m", "lacoe_report.book.warm", "--stop"], env=env, capture_output=True)


@pytest.fixture(scope="module")
def server_env():
    """The environment of a server for this module's tests (its own salt, one kept kernel server), stopped after."""
    env = dict(os.environ, LACOE_WARM_SALT=uuid.uuid4().hex, LACOE_WARM="1", LACOE_WARM_KEEP="1")
    env.pop(warm.SERVER_ENV, None)
    yield env
    stop(env)


@pytest.fixture
def probe(tmp_path, server_env):
    """A folder with a module to run through the module's server, and the environment that reaches it."""
    (tmp_path / "warm_probe.py").write_text(PROBE, encoding="utf-8")
    return tmp_path, server_env


def client(folder, env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "lacoe_report.book.warm", "warm_probe", *args], cwd=folder,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def run(folder, env, *args, stdin=""):
    process = client(folder, env, *args)
    out, err = process.communicate(stdin, timeout=120)
    return process.returncode, out, err


def server_pid(env):
    code = "from lacoe_report.book import warm; print(warm.ask({'kind': 'ping'}))"
    found = subprocess.run([sys.executable, "-c", code],
                           env=env, capture_output=True, text=True)
    return None if found.stdout.strip() == "None" else eval(found.stdout)["pid"]  # noqa: S307 - our own dict


def gone(pid, within=10.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie is gone for every purpose but the process table
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().split()[2] == "Z":
                    return True
        except OSError:  # reaped between the two looks (ENOENT or ESRCH while reading)
            return True
        time.sleep(0.05)
    return False


def test_a_command_gets_the_clients_folder_arguments_environment_terminal_and_status(probe):
    folder, env = probe
    status, out, err = run(folder, dict(env, PROBE_VALUE="from the client", PROBE_STATUS="3"), "a", "b c",
                           "--read", stdin="typed in")
    report = json.loads(out)
    assert status == 3
    assert report["cwd"] == str(folder)
    assert report["argv"] == ["a", "b c", "--read"]
    assert report["given"] == "from the client"
    assert report["stdin"] == "typed in"
    assert err == "to stderr\n"


def test_the_umask_is_the_clients(probe):
    folder, env = probe
    out = subprocess.run(["sh", "-c", f"umask 077 && exec {sys.executable} -m lacoe_report.book.warm warm_probe"],
                         cwd=folder, env=env, capture_output=True, text=True, timeout=120).stdout
    assert json.loads(out)["umask"] == 0o077


def test_every_command_is_a_new_process_forked_after_the_imports_with_none_of_the_book(probe):
    folder, env = probe
    first, second = (json.loads(run(folder, env)[1]) for _ in range(2))
    server = server_pid(env)
    assert server is not None and len({first["pid"], second["pid"], server}) == 3
    assert not first["seen_before"] and not second["seen_before"]  # nothing carried from one to the next
    assert first["sphinx_imported"]  # the server's imports, inherited
    assert not first["book_imported"] and not second["book_imported"]  # the book's code is read from disk


def test_a_message_or_a_traceback_ends_the_command_as_python_would(probe):
    folder, env = probe
    status, _, err = run(folder, env, "--message")
    assert (status, err) == (1, "to stderr\na plain message\n")
    status, _, err = run(folder, env, "--raise")
    assert status == 1 and err.rstrip().endswith("RuntimeError: a bug") and "Traceback" in err


def test_ctrl_c_reaches_the_command_and_the_client_exits_130(probe):
    folder, env = probe
    process = client(folder, env, "--sleep")
    pid = json.loads(process.stdout.readline())["pid"]
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 130
    assert gone(pid)


def test_a_killed_client_takes_its_command_with_it(probe):
    folder, env = probe
    process = client(folder, env, "--sleep")
    pid = json.loads(process.stdout.readline())["pid"]
    process.kill()
    process.wait(30)
    assert gone(pid)


def test_lacoe_warm_0_runs_the_command_in_the_clients_own_process(probe):
    folder, env = probe
    alone = dict(env, LACOE_WARM_SALT=uuid.uuid4().hex)
    process = client(folder, dict(alone, LACOE_WARM="0"))
    out, _ = process.communicate(timeout=120)
    assert json.loads(out)["pid"] == process.pid
    assert server_pid(alone) is None  # and starts no server


def test_another_import_environment_gets_another_server_and_an_idle_server_leaves(probe):
    folder, env = probe
    run(folder, env)
    other = dict(env, PYTHONHASHSEED="7", LACOE_WARM_IDLE="1")
    try:
        run(folder, other)
        first, second = server_pid(env), server_pid(other)
        assert first is not None and second is not None and first != second
        time.sleep(3)
        assert server_pid(other) is None  # idle past LACOE_WARM_IDLE
        assert server_pid(env) == first
    finally:
        stop(other)


def test_the_kernel_server_is_kept_between_commands(probe):
    folder, env = probe
    (folder / "kept_probe.py").write_text(textwrap.dedent('''
        from lacoe_report.book import kernels
        server = kernels.server()
        print(type(server).__name__, server.address)
    '''), encoding="utf-8")

    def ask():
        found = subprocess.run([sys.executable, "-m", "lacoe_report.book.warm", "kept_probe"], cwd=folder, env=env,
                               capture_output=True, text=True, timeout=120)
        assert found.returncode == 0, found.stderr
        return found.stdout.split()

    first, second = ask(), ask()
    assert first[0] == "KeptServer" and first == second


def test_a_command_gets_the_kept_kernel_server_and_its_preloaded_package_after_changing_its_environment(probe):
    # nbval's plugin puts the warm kernel spec on JUPYTER_PATH, a variable of the server's key, before it asks
    # for the kernel server; the command's kernels leave LACOE_PROJ_ROOT unset, which the kept server has set.
    folder, env = probe
    (folder / "verify_probe.py").write_text(textwrap.dedent('''
        import nbformat
        from nbclient import NotebookClient
        from lacoe_report.book import kernels
        name = kernels.use_warm_kernels()
        print(type(kernels.server()).__name__)
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import sys; print('lacoe_report.core.data' in sys.modules)")])
        NotebookClient(notebook, kernel_name=name).execute()
        print(notebook.cells[0].outputs[0]["text"].strip())
    '''), encoding="utf-8")
    env = {k: v for k, v in env.items() if k not in ("LACOE_PROJ_ROOT", "JUPYTER_PATH")}
    found = subprocess.run([sys.executable, "-m", "lacoe_report.book.warm", "verify_probe"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["KeptServer", "True"]


def test_a_kept_kernel_server_closed_under_a_running_command_is_asked_for_again(probe):
    folder, env = probe
    (folder / "evicted_probe.py").write_text(textwrap.dedent('''
        import os
        from lacoe_report.book import kernels, warm
        from lacoe_report.core.paths import PROJ_ROOT
        server = kernels.server()
        first = server.address
        for n in range(int(os.environ["LACOE_WARM_KEEP"])):  # newer servers push this command's out
            warm.kernel_server(str(PROJ_ROOT), f"another version {n}")
        closed = not os.path.isdir(os.path.dirname(first))
        pid = server.spawn(["--not-a-kernel-option"], dict(os.environ), "/", timeout=60)
        print(closed, server.address != first, os.path.isdir(os.path.dirname(server.address)), pid > 0)
    '''), encoding="utf-8")
    found = subprocess.run([sys.executable, "-m", "lacoe_report.book.warm", "evicted_probe"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["True", "True", "True", "True"]
