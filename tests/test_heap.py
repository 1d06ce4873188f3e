"""The API process moves what start-up made out of the garbage collector's walks (a full
collection over the imported app took ~170 ms and stalled requests); the test suite, which
starts many systems in one process, turns it off."""

import gc

from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from tests.support.system import TEST_SECRET


def _settings(tmp_path, freeze: bool) -> Settings:
    return Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                    database_url=f"sqlite:///{tmp_path}/heap.db", data_dir=tmp_path,
                    gc_freeze=freeze)


def test_the_app_freezes_its_start_up_heap_only_when_asked(tmp_path):
    gc.unfreeze()
    try:
        with TestClient(create_app(_settings(tmp_path, freeze=False))):
            assert gc.get_freeze_count() == 0
        with TestClient(create_app(_settings(tmp_path, freeze=True))):
            frozen = gc.get_freeze_count()
            assert frozen > 10_000, "start-up's objects are out of the collector's walks"
            gc.collect()  # a collection leaves them there (only objects freed outright leave)
            assert gc.get_freeze_count() > frozen * 0.9
    finally:
        gc.unfreeze()
