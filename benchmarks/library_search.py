"""Library search on an assets table of 200,000 rows: each filter's query time and plan.

Fills a fresh database `reelforge_bench_library` on the local PostgreSQL (200 users, 10 %
of the rows shared, tags of a mood, an orientation and one of 500 words, a measured BPM),
then runs the query `GET /api/v1/library` builds (app/services/library/search.py) for one
user and each filter, first page of 20, best of 5.

    .venv/bin/python benchmarks/library_search.py
    .venv/bin/python benchmarks/library_search.py --rows 1000000 --keep
"""

from __future__ import annotations

import argparse
import os
import time
import uuid

from sqlalchemy import Connection, Executable, create_engine, text

from app.dev.services import LOCAL_POSTGRES_URL, ensure_database, with_database

DATABASE = "reelforge_bench_library"
FILL = """
INSERT INTO users (id, email, password_hash, role, plan, is_active, created_at)
SELECT gen_random_uuid(), 'bench-' || n || '@example.com', 'x', 'user', 'free', true, now()
FROM generate_series(1, 200) AS n;
INSERT INTO assets (id, user_id, kind, content_type, filename, storage_key, size_bytes,
                    sha256, width, height, duration_s, tags, features, tag_state, created_at)
SELECT gen_random_uuid(),
       CASE WHEN n % 10 = 0 THEN NULL ELSE (SELECT array_agg(id) FROM users)[1 + n % 200] END,
       (ARRAY['audio', 'video', 'image'])[1 + n % 3], 'x', 'f' || n, 'bench/' || n, 1, 'x',
       (ARRAY[1080, 1920])[1 + (random() < 0.5)::int],
       (ARRAY[1920, 1080])[1 + (random() < 0.5)::int],
       5 + (n % 120),
       jsonb_build_array((ARRAY['mood:calm', 'mood:energetic'])[1 + n % 2],
                         (ARRAY['portrait', 'landscape'])[1 + (n / 5) % 2], 't' || (n % 500)),
       jsonb_build_object('bpm', 60 + (n::bigint * 7919) % 140), 'done',
       now() - (n % 100000) * interval '1 minute'
FROM generate_series(1, :rows) AS n;
ANALYZE assets;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    ensure_database(LOCAL_POSTGRES_URL, DATABASE, fresh=True)
    url = with_database(LOCAL_POSTGRES_URL, DATABASE)
    os.environ["DATABASE_URL"] = url
    from app.core.config import settings
    from app.core.migrate import upgrade_head
    from app.models import User
    from app.services.library.search import LibraryQuery, page_query

    upgrade_head(settings.database.sync_url)
    engine = create_engine(settings.database.sync_url)
    started = time.perf_counter()
    with engine.begin() as conn:
        for statement in FILL.split(";\n"):
            if statement.strip():
                conn.execute(text(statement), {"rows": args.rows})
        user_id = conn.execute(text("SELECT user_id FROM assets WHERE user_id IS NOT NULL "
                                    "LIMIT 1")).scalar_one()
    print(f"{args.rows} assets in {time.perf_counter() - started:.1f} s")
    user = User(id=uuid.UUID(str(user_id)), role="user")
    cases = {
        "everything, newest first": LibraryQuery(),
        "tag t7 and mood calm": LibraryQuery(tags=["t7"], mood="calm"),
        "music, 118-122 BPM": LibraryQuery(kind="music", min_bpm=118, max_bpm=122),
        "shared portrait clips": LibraryQuery(kind="clip", orientation="portrait",
                                              scope="shared"),
        "text 't42'": LibraryQuery(text="t42"),
        "a rare tag (t499) and energetic": LibraryQuery(tags=["t499"], mood="energetic"),
    }
    for name, query in cases.items():
        statement = page_query(user, query, limit=21)
        compiled = statement.compile(dialect=engine.dialect)
        processors = compiled._bind_processors  # the values as the driver gets them
        params = {k: processors[k](v) if k in processors else v
                  for k, v in compiled.params.items()}
        with engine.connect() as conn:
            conn.execute(statement).all()
            best = min(_timed(conn, statement) for _ in range(5))
            plan = [row[0].strip() for row in conn.exec_driver_sql(
                "EXPLAIN " + str(compiled), params)]
            if os.environ.get("SHOW_PLANS"):
                print("\n".join(row[0] for row in conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), params)))
        scans = "; ".join(p.lstrip("-> ").split("  (")[0] for p in plan if "Scan" in p)
        print(f"{name:34s} {best * 1000:7.1f} ms   {scans}")
    engine.dispose()
    if not args.keep:
        ensure_database(LOCAL_POSTGRES_URL, DATABASE, fresh=True)


def _timed(conn: Connection, statement: Executable) -> float:
    started = time.perf_counter()
    conn.execute(statement).all()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
