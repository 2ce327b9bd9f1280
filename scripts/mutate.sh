#!/bin/sh
# npm run mutate [-- verwerking|schema]: Stryker over the pure rule modules, one group after the other.
set -e
groepen="${*:-verwerking schema}"
for groep in $groepen; do
  echo "# mutation testing: $groep"
  STRYKER_GROEP="$groep" npx stryker run stryker.config.mjs
done
