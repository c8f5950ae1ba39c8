"""ingest-svc's tests. The Twitter sample deliveries (`samples_dir`, `load_sample`) come
from the switchboard_testing plugin."""
