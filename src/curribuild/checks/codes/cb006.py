"""CB006 file-too-large: The file is larger than the size limit.

## What it finds

A file above `limits.max_bytes` (10 MB by default, configurable in `curribuild.yaml`).

## Why it matters

Checks run on untrusted changes in CI; a size cap keeps a run bounded in time and
memory. No real curriculum file comes near the limit.

## Example

    a 50 MB goals.yaml

## Instead

    split the goals over several files
"""

from curribuild.findings import Severity

CODE = "CB006"
NAME = "file-too-large"
SUMMARY = "The file is larger than the size limit."
DEFAULT_SEVERITY = Severity.ERROR
