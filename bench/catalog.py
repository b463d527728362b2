"""The catalog at scale: 100,000 assets with 10 user fields and 3 markers each, in PostgreSQL.

Loads the data once into a scratch database (created if missing; a second
run reuses it), then times the asset list requests through the whole
Django/DRF stack in-process (no network): a page of 100, a page with
`include=markers`, three queries (name `has`, a user field `isOneOf`, a
date `between` or a status), and facets (with the cache emptied before each
request, and with the counts cached). Prints p50/p95 and the number of
SQL queries of each, as a Markdown table for docs/performance.md.

    python bench/catalog.py                       # database montage_bench on 127.0.0.1:5432
    python bench/catalog.py --database-url postgres://postgres@127.0.0.1:5432/other --runs 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ASSETS = 100_000
BATCH = 5_000
GENRES = ["Drama", "Comedy", "News", "Sport", "Documentary", "Music", "Nature", "History"]
TAGS = ["car", "night", "rain", "crowd", "drone", "interview", "city", "beach"]
# Names draw three words from a few hundred, so a name search matches about 1% of the catalog.
WORDS = [f"{colour}{thing}" for colour in ["red", "blue", "green", "grey", "gold", "white", "black", "amber", "pink",
                                            "teal", "olive", "coral", "ivory", "azure", "rust", "sand"]
         for thing in ["car", "boat", "harbour", "street", "market", "forest", "bridge", "train", "crowd", "sunset",
                       "tower", "field", "river", "alley", "roof", "park", "beach", "plaza", "canal", "dock"]]
STATUSES = ["New", "Logged", "Approved", "Rejected", "Delivered"]
TYPES = ["clip", "clip", "clip", "still", "audio", "subclip"]

OPERATIONS = [
    ("page of 100", "/assets/?page_size=100"),
    ("page of 100, include=markers", "/assets/?page_size=100&include=markers"),
    ("query: name has", "/assets/?page_size=100&query=((clip.name)has(GoldHarbour))"),
    ("query: user field isOneOf", "/assets/?page_size=100&query=((user.genre)isOneOf(Drama,News))"),
    ("query: date between, or", "/assets/?page_size=100&query="
                                "((clip.recordedDate)between(2024-03-01,2024-03-31))or((clip.status)eq(Approved))"),
    ("facets status,type (built-in)", "/assets/?page_size=100&facets=status,type"),
    ("facets status,type,genre,tags (two user fields)", "/assets/?page_size=100&facets=status,type,genre,tags"),
    ("name has + facets status,type,genre,tags", "/assets/?page_size=100&query=((clip.name)has(GoldHarbour))"
                                                 "&facets=status,type,genre,tags"),
]


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MONTAGE_EMBEDDED", "1")
    os.environ.setdefault("MONTAGE_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(user) -> None:
    from django.db import connection

    from media_assets.catalog.models import Asset, Catalog, Marker, MetadataField

    catalog, _ = Catalog.objects.get_or_create(owner=user, name="Bench")
    have = Asset.objects.filter(catalog=catalog).count()
    if have >= ASSETS and Asset.objects.filter(catalog=catalog, name__icontains="goldharbour").exists():
        print(f"reusing {have} assets")
        return
    Asset.objects.filter(catalog=catalog).delete()
    fields = [
        ("genre", "choice", GENRES), ("tags", "multichoice", TAGS), ("rating", "integer", []),
        ("budget", "decimal", []), ("shoot_day", "date", []), ("delivered", "datetime", []),
        ("approved", "boolean", []), ("location", "text", []), ("summary", "multiline", []), ("link", "url", []),
    ]
    for identifier, kind, options in fields:
        MetadataField.objects.get_or_create(identifier=identifier, catalog=None,
                                            defaults={"name": identifier, "type": kind, "options": options})
    rng = random.Random(7)
    start = time.perf_counter()
    for first in range(0, ASSETS, BATCH):
        assets = []
        for index in range(first, first + BATCH):
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730))
            assets.append(Asset(
                catalog=catalog, created_by=user, name=f"Shot {index:06d} {' '.join(rng.sample(WORDS, 3))}",
                type=rng.choice(TYPES), status=rng.choice(STATUSES), bin=f"Day {index % 40}", tape=f"A{index % 500:03d}",
                tc_format=25, in_frm=0, out_frm=250 + index % 5000, media_end_frm=250 + index % 5000,
                duration_secs=(250 + index % 5000) / 25,
                recorded_date=dt.datetime.combine(day, dt.time(rng.randrange(24)), tzinfo=dt.timezone.utc),
                user_fields={
                    "genre": rng.choice(GENRES), "tags": sorted(rng.sample(TAGS, 2), key=TAGS.index),
                    "rating": rng.randrange(1, 6), "budget": round(rng.uniform(100, 10000), 2),
                    "shoot_day": day.isoformat(), "delivered": f"{day.isoformat()}T12:00:00Z",
                    "approved": rng.random() < 0.5, "location": rng.choice(WORDS), "summary": "notes " * 5,
                    "link": f"https://example.com/{index}",
                },
            ))
        created = Asset.objects.bulk_create(assets)
        Marker.objects.bulk_create(
            Marker(asset=asset, name=f"Marker {n}", category=rng.choice(["Action", "Faces", "Sound"]), in_frm=n * 10)
            for asset in created for n in range(3)
        )
        print(f"  {first + BATCH} assets ({time.perf_counter() - start:.0f} s)", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(client, path: str, runs: int, *, cold: bool = False) -> tuple[float, float, float, int, int]:
    """p50, p95, SQL p50, queries and matches of `runs` requests; `cold` empties the cache before each."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm caches and connections
        assert client.get(path).status_code == 200, client.get(path).content[:500]
    timings, sql_timings = [], []
    for _ in range(runs):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        sql_timings.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    return statistics.median(timings), p95, statistics.median(sql_timings), len(queries), response.data["count"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/montage_bench")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    user, _ = get_user_model().objects.get_or_create(username="bench")
    load(user)
    client = APIClient()
    client.force_authenticate(user)

    print(f"\nload average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"\n| request ({ASSETS:,} assets, {args.runs} runs) | p50 | p95 | of which SQL (p50) | SQL queries | matches |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, path in OPERATIONS:
        # Facet counts are cached until the matching assets change: time the first request too.
        for cold in (True, False) if "facets=" in path else (False,):
            p50, p95, sql, queries, count = measure(client, path, args.runs, cold=cold)
            state = " (cache empty)" if cold else " (counts cached)" if "facets=" in path else ""
            print(f"| {label}{state} | {p50:.1f} ms | {p95:.1f} ms | {sql:.1f} ms | {queries} | {count:,} |", flush=True)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
