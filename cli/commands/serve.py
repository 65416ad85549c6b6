"""serve: the read-only web view of the store, for a team."""

from __future__ import annotations

import click

from eventstore.errors import MilestonesError

from .store import obj


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 for every one.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.pass_context
def serve(ctx, host, port):
    """Serve a read-only web view of the store: the pipeline, each drug's status,
    timeline and chart, the calendar of expected milestones with a live iCalendar feed,
    the changes with an Atom feed, and the JSON API under /api. Nothing it serves
    writes; on PostgreSQL the reader role from `milestones grants` is enough. It listens
    on 127.0.0.1 unless --host says otherwise. Needs: pip install 'milestones[web]'.

    \b
    Examples:
      milestones serve
      milestones --db postgresql://reader@db.example.org/milestones serve --host 0.0.0.0 --port 8080
    """
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as error:
        raise MilestonesError(f"serve needs the web extra: pip install 'milestones[web]' ({error})") from None
    store = obj(ctx).store()
    store.head()  # a missing or unreachable store is said now, not on the first page
    click.echo(f"serving {store.display_url} read-only at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(store), host=host, port=port, log_level="warning")


def register(group: click.Group) -> None:
    group.add_command(serve)
