# test_install.sh — `make install` honours PREFIX and DESTDIR, and the installed gradbook finds
# its chapters, templates and fonts from anywhere.
tmpi=$(mktemp -d)
out=$(cd "$GB_ROOT" && make -s install DESTDIR="$tmpi" PREFIX=/opt/gradbook 2>&1)
if [ $? = 0 ] && [ -x "$tmpi/opt/gradbook/bin/gradbook" ] && [ -f "$tmpi/opt/gradbook/share/gradbook/templates/report.ini" ]; then
  ok "install: DESTDIR and PREFIX honoured"
else
  bad "install: DESTDIR and PREFIX honoured" "$out"
fi
expect_exit 0 "install: the installed gradbook checks from another directory" sh -c "cd / && '$tmpi/opt/gradbook/bin/gradbook' check"
expect_exit 0 "install: the installed gradbook writes a report" sh -c "cd / && SOURCE_DATE_EPOCH=1 '$tmpi/opt/gradbook/bin/gradbook' report -o '$tmpi/r.pdf'"
rm -rf "$tmpi"
