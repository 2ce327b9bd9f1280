#!/bin/sh
# npm run mutate [-- verwerking|schema]: Stryker over the pure rule modules, one group after the other.
set -e
groepen="${*:-verwerking schema}"
for groep in $groepen; do
  echo "# mutation testing: $groep"
  # tap stops a file after 30 s by default; on a busy machine a file can take longer than that.
  TAP_TIMEOUT="${TAP_TIMEOUT:-0}" STRYKER_GROEP="$groep" npx stryker run stryker.config.mjs
done
