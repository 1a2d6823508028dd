package main

import (
	"net"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"nhacviec/storage"
)

// The files in deploy/ repeat what config.go decides: the variables' names, the database's
// place, the health port. These tests keep the two from drifting apart, and check the few
// properties the deployment promises (a non-root image, a hardened unit, no secret in a file).

var deployFiles = []string{"Dockerfile", "compose.yaml", "nhacviec.service", "env.example"}

func deployRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("deploy/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// deployKnownVariables are the environment variables loadConfig reads.
func deployKnownVariables() map[string]bool {
	known := map[string]bool{envToken: true, envTokenFile: true, envSecret: true}
	for _, s := range settings {
		known[s.env] = true
	}
	return known
}

var deployVariableName = regexp.MustCompile(`NHACVIEC_[A-Z0-9_]+`)

func TestDeployFilesNameRealVariables(t *testing.T) {
	known := deployKnownVariables()
	for _, name := range deployFiles {
		for _, v := range deployVariableName.FindAllString(deployRead(t, name), -1) {
			if !known[v] {
				t.Errorf("deploy/%s names %s, which the configuration does not read", name, v)
			}
		}
	}
	example := deployRead(t, "env.example")
	for v := range known {
		if !regexp.MustCompile(`(?m)^#?` + v + `=`).MatchString(example) {
			t.Errorf("deploy/env.example does not list %s", v)
		}
	}
	_, defaults, ok := strings.Cut(example, "shown with their defaults")
	if !ok {
		t.Fatal("deploy/env.example has no section of defaults")
	}
	for _, s := range settings {
		if m := regexp.MustCompile(`(?m)^#` + s.env + `=(.*)$`).FindStringSubmatch(defaults); m != nil && m[1] != s.def {
			t.Errorf("deploy/env.example shows %s=%s as the default, but it is %q", s.env, m[1], s.def)
		}
	}
}

// deployDockerInstructions splits a Dockerfile into instructions: continuation lines joined,
// comments dropped, each as {KEYWORD, arguments}.
func deployDockerInstructions(text string) [][2]string {
	var out [][2]string
	var cur string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur += strings.TrimSuffix(trimmed, `\`) + " "
			continue
		}
		cur += trimmed
		keyword, args, _ := strings.Cut(cur, " ")
		out = append(out, [2]string{strings.ToUpper(keyword), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

// deployAssignments reads "K=V K2=V2" (a Dockerfile's ENV) into env.
func deployAssignments(args string, env map[string]string) {
	for _, kv := range strings.Fields(args) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
}

func TestDeployDockerfile(t *testing.T) {
	var stages, final [][2]string
	for _, in := range deployDockerInstructions(deployRead(t, "Dockerfile")) {
		if in[0] == "FROM" {
			stages = append(stages, in)
			final = nil
		}
		final = append(final, in)
	}
	if len(stages) < 2 {
		t.Fatalf("%d FROM, want a build stage and a runtime stage", len(stages))
	}
	env := map[string]string{}
	var user, volume, expose, entrypoint, cmd string
	for _, in := range final {
		switch in[0] {
		case "USER":
			user = in[1]
		case "ENV":
			deployAssignments(in[1], env)
		case "VOLUME":
			volume = strings.Trim(in[1], `[]" `)
		case "EXPOSE":
			expose = in[1]
		case "ENTRYPOINT":
			entrypoint = in[1]
		case "CMD":
			cmd = in[1]
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the runtime stage runs as %q, want a user that is not root", user)
	}
	if !strings.Contains(entrypoint, "/nhacviec") || cmd != `["serve"]` {
		t.Errorf("ENTRYPOINT %s CMD %s, want nhacviec serve", entrypoint, cmd)
	}
	if db := env["NHACVIEC_DB"]; volume == "" || !strings.HasPrefix(db, volume+"/") {
		t.Errorf("NHACVIEC_DB=%q is not in the volume %q", db, volume)
	}
	if _, port, _ := net.SplitHostPort(env["NHACVIEC_HEALTH_ADDR"]); port == "" || port != expose {
		t.Errorf("NHACVIEC_HEALTH_ADDR=%q but EXPOSE %q", env["NHACVIEC_HEALTH_ADDR"], expose)
	}
	deployCheckConfig(t, "the image's", env)

	// A runtime without a libc needs a binary linked statically, with Go's resolver and user
	// lookups (glibc's need shared NSS modules); cgo stays on for SQLite.
	if base := final[0][1]; strings.Contains(base, "static") || strings.HasPrefix(base, "scratch") {
		var build string
		for _, in := range deployDockerInstructions(deployRead(t, "Dockerfile")) {
			if in[0] == "RUN" && strings.Contains(in[1], "go build") {
				build = in[1]
			}
		}
		for _, want := range []string{"CGO_ENABLED=1", "-static", "netgo", "osusergo"} {
			if !strings.Contains(build, want) {
				t.Errorf("the runtime %s has no libc, but the go build lacks %s", base, want)
			}
		}
	}
}

// deployCheckConfig loads the configuration a deployment gives nhacviec, with a token, and
// expects no problem.
func deployCheckConfig(t *testing.T, what string, env map[string]string) {
	t.Helper()
	getenv := func(k string) string {
		if k == envToken && env[k] == "" {
			return "123456:test-token"
		}
		return env[k]
	}
	if _, _, err := loadConfig(nil, getenv, true); err != nil {
		t.Errorf("%s configuration is refused: %v", what, err)
	}
}

func TestDeploySystemdUnit(t *testing.T) {
	keys := map[string][]string{} // "Section.Key" → values
	section := ""
	for _, line := range strings.Split(deployRead(t, "nhacviec.service"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("not a key=value in a section: %q", line)
			}
			keys[section+"."+k] = append(keys[section+"."+k], v)
		}
	}
	want := map[string]string{
		"Service.ExecStart":        "/usr/local/bin/nhacviec serve",
		"Service.EnvironmentFile":  "/etc/nhacviec/env",
		"Service.StateDirectory":   "nhacviec",
		"Service.WorkingDirectory": "/var/lib/nhacviec",
		"Service.Restart":          "on-failure",
		"Service.NoNewPrivileges":  "yes",
		"Service.ProtectSystem":    "strict",
		"Service.ProtectHome":      "yes",
		"Service.PrivateTmp":       "yes",
		"Install.WantedBy":         "multi-user.target",
	}
	for k, v := range want {
		if got := keys[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if u := keys["Service.User"]; len(u) != 1 || u[0] == "" || u[0] == "root" || u[0] == "0" {
		t.Errorf("Service.User = %q, want a user of its own", u)
	}
	env := map[string]string{}
	for _, v := range keys["Service.Environment"] {
		deployAssignments(v, env)
	}
	// The SQLite file must be in the state directory: the only place the unit may write.
	if db := env["NHACVIEC_DB"]; path.Dir(db) != "/var/lib/nhacviec" {
		t.Errorf("NHACVIEC_DB=%q is not in the StateDirectory /var/lib/nhacviec", db)
	}
	deployCheckConfig(t, "the unit's", env)
}

func TestDeployCompose(t *testing.T) {
	text := deployRead(t, "compose.yaml")
	if strings.Contains(text, "\t") {
		t.Error("compose.yaml has a tab; YAML indents with spaces")
	}
	for _, want := range []string{"condition: service_healthy", "healthcheck:", "pg_isready", "restart:"} {
		if !strings.Contains(text, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
	// The services' environment: "KEY: value" lines below "environment:", with interpolations
	// filled in; the published ports: "- HOST:PORT:PORT" lines below "ports:".
	env := map[string]string{}
	list := ""
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "environment:" || trimmed == "ports:":
			list = trimmed
		case list == "environment:" && strings.HasPrefix(line, "      ") && strings.Contains(trimmed, ": "):
			k, v, _ := strings.Cut(trimmed, ": ")
			env[k] = regexp.MustCompile(`\$\{[^}]*\}`).ReplaceAllString(strings.Trim(v, `"`), "secret")
		case list == "ports:" && strings.HasPrefix(trimmed, "- "):
			if p := strings.Trim(strings.TrimPrefix(trimmed, "- "), `"'`); !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("compose.yaml publishes %s beyond this machine; want 127.0.0.1:…", p)
			}
		default:
			list = ""
		}
	}
	if !storage.IsPostgresDSN(env["NHACVIEC_DB"]) {
		t.Errorf("the bot's NHACVIEC_DB=%q is not a PostgreSQL URL", env["NHACVIEC_DB"])
	}
	deployCheckConfig(t, "compose.yaml's", env)
}

// TestDeployFilesHoldNoSecret: a token, a webhook secret or a password is never written in a
// deployment file, only named.
func TestDeployFilesHoldNoSecret(t *testing.T) {
	secret := regexp.MustCompile(`(?m)^[ \t]*#?[ \t]*(` + envToken + `|` + envSecret + `|POSTGRES_PASSWORD)[ \t]*[=:][ \t]*(.*)$`)
	for _, name := range deployFiles {
		text := deployRead(t, name)
		for _, m := range secret.FindAllStringSubmatch(text, -1) {
			if v := strings.TrimSpace(m[2]); v != "" && !strings.HasPrefix(v, "${") {
				t.Errorf("deploy/%s sets %s to a value: %q", name, m[1], v)
			}
		}
		for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n\"'=", r) }) {
			if validToken(w) && len(w) > 30 {
				t.Errorf("deploy/%s holds something shaped like a bot token", name)
			}
		}
	}
}
