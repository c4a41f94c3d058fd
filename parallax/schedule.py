"""The nightly schedule: serve the `nightly` flow as a Prefect deployment with a cron schedule.

`parallax serve` (or `serve(settings, input_dir, db_path)`) registers the deployment
`nightly/parallax-nightly` with a running Prefect server and runs each scheduled or manually
triggered flow run in a local subprocess. The cron expression and its timezone come from
`Settings.schedule_cron` / `Settings.schedule_timezone` (default 02:00 UTC). Schedules are created
by the server's scheduler service, so a real server is needed (`prefect server start`), not the
temporary one Prefect starts for a single `parallax run`.

Teams that already run a Prefect server and workers use `prefect.yaml` at the repository root
instead (`prefect deploy --all`), which declares the same deployment for a process work pool.
"""

from __future__ import annotations

import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer  # module level: the command's annotations are evaluated by typer in this namespace

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment
    from prefect.schedules import Schedule

    from parallax.settings import Settings

#: Name of the deployment; runs are addressed as `nightly/parallax-nightly`.
DEPLOYMENT_NAME = "parallax-nightly"
#: Name of the flow in `flows/nightly.py`.
FLOW_NAME = "nightly"
#: Module path of the flow: importable wherever the project is installed (`pip install -e .`).
FLOW_ENTRYPOINT = "flows.nightly.nightly"
#: Concurrent runs of the served deployment. The writer lock refuses a second writer anyway; 1 keeps
#: a late night from starting tomorrow's run on top of it.
SERVE_LIMIT = 1
#: Seconds to wait for the Prefect API to answer before `serve` gives up with a clear message.
API_CHECK_SECONDS = 10.0


class ScheduleError(ValueError):
    """The schedule or the Prefect server is not usable; `str(exc)` is one line for the user."""


@dataclass(frozen=True)
class DeploymentSpec:
    """Everything that defines the nightly deployment (also what `prefect.yaml` declares)."""

    name: str
    flow_name: str
    entrypoint: str
    cron: str
    timezone: str
    parameters: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ("parallax", "nightly")

    @property
    def full_name(self) -> str:
        """`flow/deployment`, as `prefect deployment run` and `run_deployment` expect."""
        return f"{self.flow_name}/{self.name}"


def deployment_spec(
    settings: Settings, input_dir: Path | str | None = None, db_path: Path | str | None = None
) -> DeploymentSpec:
    """The deployment for `settings`; input and DB default to the settings' paths (made absolute).

    Raises `ScheduleError` for an invalid cron expression or unknown timezone.
    """
    validate_schedule(settings.schedule_cron, settings.schedule_timezone)
    input_path = Path(input_dir).expanduser() if input_dir is not None else settings.input
    db = Path(db_path).expanduser() if db_path is not None else settings.db
    return DeploymentSpec(
        name=DEPLOYMENT_NAME,
        flow_name=FLOW_NAME,
        entrypoint=FLOW_ENTRYPOINT,
        cron=settings.schedule_cron,
        timezone=settings.schedule_timezone,
        # Absolute: the served flow run may start in another working directory.
        parameters={"input_dir": str(input_path.absolute()), "db_path": str(db.absolute())},
    )


def validate_schedule(cron: str, timezone: str) -> None:
    """Raise `ScheduleError` unless `cron` is a valid cron expression and `timezone` an IANA name."""
    from prefect.schedules import Cron

    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown timezone {timezone!r} (use an IANA name such as 'UTC')") from None
    try:
        Cron(cron, timezone=timezone)
    except ValueError:
        raise ScheduleError(f"invalid cron expression {cron!r} (e.g. '0 2 * * *' is 02:00 daily)") from None


def nightly_schedule(spec: DeploymentSpec) -> Schedule:
    """The Prefect schedule object: the cron expression evaluated in the configured timezone."""
    from prefect.schedules import Cron

    return Cron(spec.cron, timezone=spec.timezone)


def api_url() -> str | None:
    """The Prefect API the process talks to (PREFECT_API_URL from the env or the active profile)."""
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return str(value) if value else None


def check_api(url: str | None, timeout: float = API_CHECK_SECONDS) -> str:
    """Return the API URL after checking the server answers; raise `ScheduleError` otherwise."""
    import httpx

    hint = "start one with `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
    if not url:
        raise ScheduleError(f"parallax serve needs a running Prefect server: {hint}")
    try:
        response = httpx.get(url.rstrip("/") + "/health", timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise ScheduleError(
            f"Prefect server at {url} is not answering ({type(exc).__name__}): {hint}"
        ) from None
    return url


def serve(settings: Settings, input_dir: Path | str | None = None, db_path: Path | str | None = None) -> None:
    """Register the nightly deployment with its cron schedule and run its flow runs until stopped.

    Blocks; stop with Ctrl-C / SIGTERM (the schedule is paused on shutdown so no runs pile up
    while nothing serves them). Needs a Prefect server (PREFECT_API_URL).
    """
    from prefect import serve as prefect_serve
    from prefect.types.entrypoint import EntrypointType

    from flows.nightly import nightly

    spec = deployment_spec(settings, input_dir, db_path)
    check_api(api_url())
    deployment = nightly.to_deployment(  # sync call: returns the deployment, not a coroutine
        name=spec.name,
        schedules=[nightly_schedule(spec)],
        parameters=spec.parameters,
        description=f"Nightly Parallax run ({spec.cron}, {spec.timezone}).",
        tags=list(spec.tags),
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    prefect_serve(cast("RunnerDeployment", deployment), limit=SERVE_LIMIT, pause_on_shutdown=True)


def register(app: typer.Typer) -> None:
    """Add `parallax serve` to the command line."""

    @app.command("serve")
    def serve_command(
        input: Annotated[Path | None, typer.Option("--input", "-i", help="Folder of raw articles.")] = None,
        db: Annotated[Path | None, typer.Option("--db", help="Published DuckDB file.")] = None,
        cron: Annotated[str | None, typer.Option("--cron", help="Cron expression, e.g. '0 2 * * *'.")] = None,
        timezone: Annotated[
            str | None, typer.Option("--timezone", help="IANA timezone of the cron (default UTC).")
        ] = None,
    ) -> None:
        """Serve the nightly deployment on its cron schedule (needs `prefect server start`)."""
        from rich.console import Console

        from parallax.settings import get_settings

        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        console = Console(stderr=True, soft_wrap=True)
        updates: dict[str, Any] = {}
        if cron is not None:
            updates["schedule_cron"] = cron
        if timezone is not None:
            updates["schedule_timezone"] = timezone
        settings = get_settings().model_copy(update=updates)
        input_dir = (input or settings.input).expanduser()
        if not input_dir.is_dir():
            console.print(f"[bold red]error:[/] input folder not found: {input_dir}", highlight=False)
            raise typer.Exit(1)
        try:
            spec = deployment_spec(settings, input_dir, db)
            check_api(api_url())
        except ScheduleError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None
        console.print(
            f"parallax serve: {spec.full_name} at '{spec.cron}' ({spec.timezone}); "
            f"{spec.parameters['input_dir']} -> {spec.parameters['db_path']}",
            highlight=False,
        )
        serve(settings, input_dir, db)
