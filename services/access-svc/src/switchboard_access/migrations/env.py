from switchboard_access.adapters.tables import metadata
from switchboard_platform.db.migrations import run_env

run_env(metadata)
