"""The core every part of logwatch except ``producers/`` builds on.

- :mod:`core.config`: the configuration (``logwatch.yaml`` plus environment overrides);
- :mod:`core.contract`: the names every part shares (levels, categories, severities, topics, indices, status
  files, RFC 3339 times, dashboard links);
- :mod:`core.alert`: the alert message on the alerts topic; :mod:`core.silences`: the silence store;
- :mod:`core.errors`: the project's root error; :mod:`core.yamlfile`, :mod:`core.durations`,
  :mod:`core.retry`: the one way to read YAML files, durations and back-off.

``docs/design.md`` describes the system these names hold together.
"""

from __future__ import annotations
