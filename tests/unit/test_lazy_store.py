"""ioc.store.lazy.LazyStore: one store opened on first use, shared across threads."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from ioc.store.lazy import LazyStore


def test_threads_share_one_store_and_close_lets_it_open_again(tmp_path: Path) -> None:
    lazy = LazyStore(f"sqlite:///{tmp_path / 'x.db'}")
    seen: list[int] = []

    def use() -> None:
        seen.append(id(lazy.get()))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1  # one store, one pool, whoever asked first
    first = lazy.get()
    with first.session() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
    lazy.close()
    lazy.close()  # closing twice is harmless
    again = lazy.get()
    assert again is not first
    with again.session() as session:
        assert session.execute(text("SELECT 2")).scalar() == 2
    lazy.close()


def test_nothing_is_opened_before_the_first_use() -> None:
    lazy = LazyStore("postgresql+psycopg://nobody@127.0.0.1:9/none")
    lazy.close()  # a worker that never needed the store closes without touching it
    assert "nobody" in repr(lazy) and "_lock" not in repr(lazy)
