"""What a user sees: the real `tensorboard` server, started on logs that the examples write, serves
their scalars and graphs over its HTTP API (the server is started and stopped here, on localhost)."""
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, **query):
    url = f"http://127.0.0.1:{port}{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def server(tensorboard_example_logs):
    logdir = tensorboard_example_logs       # examples/tensorboard_{keras,tf1}.py's logs (tests/conftest.py)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1",
                             "--port", str(port), "--reload_interval", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tensorboard exited: {proc.stderr.read()[-2000:]}")
            try:
                runs = json.loads(_get(port, "/data/runs"))
                if {"keras/train", "keras/validation", "tf1"} <= set(runs):
                    break
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                pass
            assert time.monotonic() < deadline, "tensorboard did not serve the runs in time"
            time.sleep(0.5)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        proc.stderr.close()


def _wait_for(fetch, ok):
    """The server loads runs in the background: retry a bounded number of times."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        value = fetch()
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_scalars_api_serves_the_keras_and_tf1_curves(server):
    tags = _wait_for(lambda: json.loads(_get(server, "/data/plugin/scalars/tags")),
                     lambda t: "epoch_loss" in t.get("keras/validation", {}) and "loss" in t.get("tf1", {}))
    assert {"epoch_loss", "epoch_accuracy", "batch_loss"} <= set(tags["keras/train"])
    assert {"epoch_loss", "epoch_accuracy"} <= set(tags["keras/validation"])
    epoch_loss = json.loads(_get(server, "/data/plugin/scalars/scalars", run="keras/train", tag="epoch_loss"))
    assert [step for _, step, _ in epoch_loss] == [0, 1, 2]
    assert epoch_loss[-1][2] < epoch_loss[0][2]
    tf1_loss = json.loads(_get(server, "/data/plugin/scalars/scalars", run="tf1", tag="loss"))
    assert [step for _, step, _ in tf1_loss] == [0, 10, 20, 30, 40, 50]


def test_graphs_api_serves_the_run_graphs(server):
    info = _wait_for(lambda: json.loads(_get(server, "/data/plugin/graphs/info")),
                     lambda i: "tf1" in i and "keras/train" in i)
    assert info["tf1"]["run_graph"] and info["keras/train"]["run_graph"]
    pbtxt = _get(server, "/data/plugin/graphs/graph", run="tf1", conceptual="false")
    assert pbtxt.count("\nnode {") + pbtxt.startswith("node {") > 20
    assert 'op: "MatMul"' in pbtxt and 'name: "hidden/' in pbtxt
