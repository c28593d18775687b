#!/bin/sh
# Entrypoint of the traefik service in docker-compose.yml. Traefik cannot read environment
# variables inside its configuration file, so this script writes the mounted traefik.yml with
# ACME_EMAIL filled in to the path Traefik loads by default, then starts Traefik. Writing it
# there (rather than passing --configFile) lets `traefik healthcheck --ping` find it too.
#
# Environment:
#   ACME_EMAIL        Let's Encrypt account email (required)
#   TRAEFIK_TEMPLATE  input file, default /etc/traefik/traefik.template.yml
#   TRAEFIK_CONFIG    output file, default /etc/traefik/traefik.yml
set -eu

template=${TRAEFIK_TEMPLATE:-/etc/traefik/traefik.template.yml}
config=${TRAEFIK_CONFIG:-/etc/traefik/traefik.yml}
email=${ACME_EMAIL:-}

if [ -z "$email" ]; then
  echo "traefik-entrypoint: ACME_EMAIL is missing; set it in .env to the email of the Let's Encrypt account." >&2
  exit 64
fi

# Only the characters of ordinary addresses, so the value cannot break the sed expression below
# or the YAML string it lands in.
case "$email" in
  *[!A-Za-z0-9@._+-]*)
    echo "traefik-entrypoint: ACME_EMAIL=\"$email\" is invalid; use letters, digits and @ . _ + - only." >&2
    exit 64
    ;;
  *@*@* | *@*..* | *@.*)
    echo "traefik-entrypoint: ACME_EMAIL=\"$email\" is not an email address like ops@example.org." >&2
    exit 64
    ;;
  ?*@?*.?*) ;;
  *)
    echo "traefik-entrypoint: ACME_EMAIL=\"$email\" is not an email address like ops@example.org." >&2
    exit 64
    ;;
esac

if [ ! -r "$template" ]; then
  echo "traefik-entrypoint: $template is missing; mount traefik.yml there (see docker-compose.yml)." >&2
  exit 66
fi

# shellcheck disable=SC2016 # the literal placeholder text is searched for, not a variable.
if ! grep -q '\${ACME_EMAIL}' "$template"; then
  echo "traefik-entrypoint: $template has no \${ACME_EMAIL} placeholder; the certificate resolver would have no account email." >&2
  exit 65
fi

sed "s/\${ACME_EMAIL}/$email/g" "$template" > "$config"
exec traefik "$@"
