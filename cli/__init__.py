"""The `milestones` command: parses arguments, calls the eventstore library, formats."""

from __future__ import annotations

import os
import sys

import click

from eventstore.errors import DEFAULT_LOCK_TIMEOUT, MilestonesError

EXAMPLES = """
\b
Examples:
  milestones init
  milestones import seeds/founding-events.jsonl
  milestones timeline toripalimab
  milestones status toripalimab --as-of 2018-06-30
  milestones --db postgresql+psycopg://root@127.0.0.1:5432/test status
"""


class MilestonesGroup(click.Group):
    """Every failure is one line on stderr with the exit status of PRODUCT.md:
    2 bad input or no usable store, 3 a stale --expect-version or a lock held past
    --lock-timeout; never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name or "milestones", complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as stop:
            code = stop.exit_code
        except click.UsageError as error:
            hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
            fail(error.format_message() + hint, 2)
        except click.ClickException as error:
            fail(error.format_message(), error.exit_code)
        except click.Abort:
            fail("aborted", 2)
        except MilestonesError as error:
            fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; nothing half-written is kept", 2)
        except Exception as error:  # a bug: still one line, not a traceback (MILESTONES_DEBUG=1 shows it)
            if os.environ.get("MILESTONES_DEBUG"):
                raise
            fail(f"internal error ({type(error).__name__}: {error}); run with MILESTONES_DEBUG=1 and report it", 2)
        sys.exit(code if isinstance(code, int) else 0)


def fail(message: str, code: int) -> None:
    click.echo(f"milestones: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


@click.group(
    cls=MilestonesGroup,
    epilog=EXAMPLES,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "location",
    envvar="MILESTONES_DB",
    metavar="STORE",
    help="A SQLite file or an SQLAlchemy URL (postgresql+psycopg://…). "
    "Default: $MILESTONES_DB, else a per-user file under the XDG data directory.",
)
@click.option(
    "--lock-timeout",
    "lock_timeout",
    envvar="MILESTONES_LOCK_TIMEOUT",
    type=click.FloatRange(min=0.001),
    default=DEFAULT_LOCK_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="How long a write waits for another writer to let go of the store before it gives up (exit 3, "
    "naming the holder where the database can). Also $MILESTONES_LOCK_TIMEOUT.",
)
@click.version_option(package_name="milestones")
@click.pass_context
def cli(ctx: click.Context, location: str | None, lock_timeout: float) -> None:
    """An append-only event store of drug-development milestones."""
    if ctx.invoked_subcommand is None:  # bare `milestones`: the help, which is no error
        click.echo(ctx.get_help())
        return
    from .context import StoreContext

    ctx.obj = StoreContext(location, f"milestones {ctx.invoked_subcommand}", lock_timeout)


def main() -> None:
    cli()


from .commands import expected, news, query, serve, sources, store  # noqa: E402  (registers the commands)

store.register(cli)
query.register(cli)
sources.register(cli)
news.register(cli)
expected.register(cli)
serve.register(cli)
