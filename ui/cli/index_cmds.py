"""`policyqa ingest`, `docs`, `remove`, `search`: build, inspect and query the clause index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from policyqa.errors import PolicyqaError
from policyqa.settings import Settings
from policyqa.ui.cli.batch import read_batch

_SEARCH_EPILOG = """examples:
  policyqa search "冷链物流由谁牵头？" --k 5
  policyqa search "干部挂职交流" --region 宿州 --has-responsibility --json
  policyqa search --batch queries.jsonl --k 10 > results.jsonl   # lines {"id": ..., "query": ...}
"""


_DOCS_EPILOG = """examples:
  policyqa docs --json | jq '.documents[] | {doc_id, title, provenance}'
  policyqa docs 合肥                                  # one document's fields and where each came from
  policyqa docs 合肥 --set city=合肥市 --set date=2024-01-29
  policyqa docs 合肥 --set date=                      # drop the correction: infer the date again
"""


def register(sub: argparse._SubParsersAction) -> None:
    from policyqa.ui.cli import add_index_option

    p = sub.add_parser("ingest", help="add or update documents in the index (unchanged ones are skipped)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (a folder may hold catalog.toml)")
    p.add_argument("--faiss", choices=("auto", "flat", "ivf", "hnsw"), default="auto",
                   help="vector index: exact (flat), approximate (hnsw), or by size (auto, default)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_index_option(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="list the indexed documents, or show and correct one",
                       epilog=_DOCS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("doc_id", nargs="?", metavar="DOC_ID", help="show this document's fields and where each came from")
    p.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE",
                   help="correct a field of DOC_ID (repeatable; title, issuer, docnumber, date, type, province, "
                        "city, district; FIELD= drops a correction): written to the file's sidecar "
                        "<file>.meta.toml and re-indexed")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_index_option(p)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("remove", help="remove a document (by id, see `policyqa docs`) from the index")
    p.add_argument("doc_id", metavar="DOC_ID")
    add_index_option(p)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("search", help="hybrid (BM25 + embedding) clause search",
                       epilog=_SEARCH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="?", help="the query (any script, or English)")
    p.add_argument("--batch", metavar="FILE.jsonl", help="one {\"id\", \"query\"} per line ('-' = stdin); "
                   "prints one JSON line per input, in order")
    p.add_argument("--k", type=int, default=10, help="results per query (default 10)")
    p.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document (repeatable)")
    p.add_argument("--region", action="append", default=[], help="region or title substring (repeatable)")
    p.add_argument("--type", dest="doc_type", action="append", default=[], help="document type, e.g. 工作方案")
    p.add_argument("--has-responsibility", action="store_true", help="only clauses naming lead/cooperating units")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_index_option(p)
    p.set_defaults(func=cmd_search)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.builder import BuildOptions
    from policyqa.index.library import Library
    from policyqa.ui.cli import EXIT_SKIPPED, print_json

    library = Library.from_settings(settings, options=BuildOptions(faiss_kind=args.faiss))
    outcome = library.ingest([Path(p) for p in args.paths], progress=True)
    for error in outcome.skipped:
        print(f"policyqa: skipped {error}", file=sys.stderr)
    for copy, original in outcome.duplicates:
        print(f"policyqa: {copy} is identical to {original}; indexed once", file=sys.stderr)
    report = outcome.added
    summary = {"index": str(outcome.index), "version": report.version, "added": report.added,
               "updated": report.updated, "unchanged": report.unchanged,
               "skipped": [str(e) for e in outcome.skipped],
               "duplicates": [{"file": str(c), "same_as": str(o)} for c, o in outcome.duplicates],
               "clauses_embedded": report.clauses_embedded,
               "clause_count": report.clause_count}
    if args.json:
        print_json(summary)
    else:
        print(f"{outcome.index}: {len(report.added)} added, {len(report.updated)} updated, "
              f"{len(report.unchanged)} unchanged, {len(outcome.skipped)} skipped; "
              f"{report.clauses_embedded} clauses embedded, {report.clause_count} in the index")
    return EXIT_SKIPPED if outcome.skipped else 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.clause_index import open_default_index
    from policyqa.ui.cli import print_json

    if args.changes:
        return _correct(args, settings)
    infos = open_default_index(settings).documents()
    if args.doc_id:
        info = next((i for i in infos if i.document.doc_id == args.doc_id), None)
        if info is None:
            raise PolicyqaError(f"no document {args.doc_id!r} in the index; see `policyqa docs`")
        _show_document(info.document, args.json)
        return 0
    if args.json:
        print_json({"documents": [{**i.document.to_dict(), "clause_count": i.clause_count} for i in infos]})
        return 0
    for info in infos:
        d = info.document
        print(f"{d.doc_id:<40} {info.clause_count:>5} clauses  {d.date:<10} {d.doc_type:<6} {d.title}")
    return 0


def _correct(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.library import Library

    if not args.doc_id:
        raise PolicyqaError("docs --set needs the DOC_ID of the document to correct (see `policyqa docs`)")
    changes: dict[str, str] = {}
    for item in args.changes:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise PolicyqaError(f"--set takes FIELD=VALUE (e.g. --set city=宿州市), got {item!r}")
        changes[name.strip()] = value
    report = Library.from_settings(settings).correct(args.doc_id, changes)
    print(f"policyqa: wrote {report.sidecar}; {'re-indexed' if report.changed else 'index unchanged'} "
          f"(version {report.version})", file=sys.stderr)
    _show_document(report.document, args.json)
    return 0


def _show_document(document: Any, as_json: bool) -> None:
    from policyqa.ui.cli import print_json

    if as_json:
        print_json(document.to_dict())
        return
    for name in ("doc_id", "title", "issuer", "docnumber", "date", "doc_type", "province", "city", "district",
                 "level", "script", "source_path"):
        value = getattr(document, name)
        source = document.source_of(name)
        print(f"{name:<12} {value or '—'}{f'  [{source}]' if source and value else ''}")


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.errors import IndexNotFoundError
    from policyqa.index.library import Library
    from policyqa.index.persist import current_version
    from policyqa.index.store import LOCAL

    root = settings.index_dir()
    if settings.store == LOCAL and current_version(root) is None:
        raise IndexNotFoundError(f"no index at {root}; build one with `policyqa ingest PATH --index {root}`")
    report = Library.from_settings(settings).remove(args.doc_id)
    upload = " and its stored upload" if report.original_deleted else ""
    where = root if settings.store == LOCAL else settings.store
    print(f"removed {args.doc_id}{upload}; {report.clause_count} clauses left in {where}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from policyqa.index.clause_index import open_default_index
    from policyqa.index.hybrid import Filters

    if (args.query is None) == (args.batch is None):
        raise PolicyqaError("search needs a QUERY or --batch FILE.jsonl (not both)")
    if args.k < 1:
        raise PolicyqaError(f"--k must be at least 1, got {args.k}")
    batch = read_batch(args.batch, "query") if args.batch else None  # fail on bad input before loading anything
    filters = Filters(doc_ids=tuple(args.doc), regions=tuple(args.region), doc_types=tuple(args.doc_type),
                      has_responsibility=args.has_responsibility)
    index = open_default_index(settings)
    if batch is not None:
        return _search_batch(index, batch, args.k, filters)
    from policyqa.qa.question.language import search_query

    hits = index.search(search_query(args.query, index.lexicon), k=args.k, filters=filters)
    if args.json:
        from policyqa.ui.cli import print_json

        print_json({"query": args.query, "results": [h.to_dict() for h in hits]})
    else:
        _print_hits(hits)
    return 0


def _search_batch(index: Any, batch: list[dict[str, Any]], k: int, filters: Any) -> int:
    from policyqa.qa.question.language import search_query
    from policyqa.ui.cli import print_json

    for record in batch:  # one at a time, so results stream as they come
        hits = index.search(search_query(record["query"], index.lexicon), k=k, filters=filters)
        print_json({"id": record.get("id"), "query": record["query"], "results": [h.to_dict() for h in hits]})
    return 0


def _print_hits(hits: list[Any]) -> None:
    if not hits:
        print("no results")
    for hit in hits:
        c = hit.clause
        units = ""
        if c.has_responsibility:
            units = f"\n      牵头: {'、'.join(c.leads) or '—'}  配合: {'、'.join(c.cooperating) or '—'}"
            units += f"  责任单位: {'、'.join(c.responsible)}" if c.responsible else ""
        text = c.text if len(c.text) <= 160 else c.text[:157] + "…"
        print(f"{hit.rank:>2}. [{hit.score:.3f}] 《{c.doc_title}》 {' › '.join(c.path)}\n      {text}{units}")
