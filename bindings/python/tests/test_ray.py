"""deploy/ray/stance_ray.py on one node: an archive of 61 documents as a
Ray Dataset, scored by map_batches with a callable class (one Pipeline per
actor), rows equal to the command line's on the same archive."""

import os
import sys

import pytest

if os.environ.get("STANCE_REQUIRE_RAY") != "1":
    pytest.importorskip("ray.data")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# deploy/ of the checkout, or the copy test.sh makes beside these tests.
DEPLOY = os.environ.get("STANCE_DEPLOY") or os.path.join(HERE, "..", "..", "..", "deploy")
sys.path.insert(0, os.path.join(DEPLOY, "ray"))

import archive  # noqa: E402
import stance_ray  # noqa: E402


@pytest.fixture(scope="module")
def ray_node():
    import ray

    # The workers import the example's module as this process does.
    path = os.path.join(DEPLOY, "ray")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    yield ray
    ray.shutdown()


def test_ray_scores_an_archive_as_the_command_line_does(ray_node):
    import ray.data

    rows = stance_ray.score_archive(ray.data.read_json(archive.ARCHIVE), actors=2, batch_size=8)
    archive.assert_same_rows_as_the_command_line(rows.take_all())
