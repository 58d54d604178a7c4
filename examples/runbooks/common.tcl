# Shared by the runbooks: log in to a node's admin: CLI and run commands, failing on any error.
# The prompt is matched the way automation does: "admin:" after CR/LF or ESC[K, at the end of output.
set prompt {(\r|\n|\x1b\[K)admin:$}
# show itl and show ctl print several kilobytes: keep them whole for the checks.
match_max -d 200000

# The session becomes the current one (spawn_id is global, so `run` talks to it).
proc login {host port password} {
  global prompt spawn_id
  spawn ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o PubkeyAuthentication=no -p $port admin@$host
  expect {
    -re {[Pp]assword: ?$} { send -- "$password\r" }
    timeout { puts stderr "no password prompt from $host:$port"; exit 2 }
    eof { puts stderr "ssh to $host:$port ended"; exit 2 }
  }
  expect {
    -re $prompt {}
    -re {[Pp]ermission denied|[Pp]assword: ?$} { puts stderr "\nlogin refused"; exit 2 }
    timeout { puts stderr "no admin: prompt"; exit 2 }
  }
  run "set cli pagination off"
  return $spawn_id
}

# Runs one command, returns its output; stops the runbook if the CLI reports a failure.
proc run {cmd} {
  global prompt spawn_id
  send -- "$cmd\r"
  expect {
    -re $prompt {}
    timeout { puts stderr "\n$cmd: no prompt"; exit 3 }
  }
  set out $expect_out(buffer)
  if {[string first "Executed command unsuccessfully" $out] >= 0} { puts stderr "\n$cmd failed"; exit 4 }
  return $out
}

proc logout {} {
  global spawn_id
  send -- "exit\r"
  expect eof
}

proc check {condition message} {
  if {![uplevel 1 [list expr $condition]]} { puts stderr "\nCHECK FAILED: $message"; exit 5 }
}
