// compose-validate loads a Compose file the way `docker compose` does
// (compose-go: interpolation from the environment and a .env file next to the
// file, the Compose schema, extension and anchor merging) and prints the
// resolved services as JSON, so scripts and tests can check the production
// stack on machines without a Docker engine.
//
//	compose-validate <compose file>
//
// Exits 1 with the loader's message when the file does not load or breaks the
// schema (a required ${VAR:?…} unset counts as not loading).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

type port struct {
	Target    uint32 `json:"target"`
	Published string `json:"published,omitempty"`
	HostIP    string `json:"host_ip,omitempty"`
	Protocol  string `json:"protocol,omitempty"`
}

type volume struct {
	Type     string `json:"type"`
	Source   string `json:"source,omitempty"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"read_only,omitempty"`
}

type service struct {
	Image         string            `json:"image,omitempty"`
	ContainerName string            `json:"container_name,omitempty"`
	Hostname      string            `json:"hostname,omitempty"`
	Command       []string          `json:"command,omitempty"`
	Ports         []port            `json:"ports"`
	Expose        []string          `json:"expose"`
	Volumes       []volume          `json:"volumes"`
	Tmpfs         []string          `json:"tmpfs"`
	Environment   map[string]string `json:"environment"`
	DependsOn     []string          `json:"depends_on"`
	Healthcheck   bool              `json:"healthcheck"`
	Secrets       []string          `json:"secrets"`
}

type output struct {
	Name     string             `json:"name"`
	Services map[string]service `json:"services"`
	Volumes  []string           `json:"volumes"`
	Secrets  []string           `json:"secrets"`
}

// Values of these variables are credentials: printed as "<redacted>" so the
// output can go into logs.
var secretName = regexp.MustCompile(`(?i)PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_KEY|PRIVATE`)

func redact(name, value string) string {
	if secretName.MatchString(name) {
		return "<redacted>"
	}
	// Connection URLs carry passwords (DATABASE_URL=postgres://ips:…@host/db).
	if u, err := url.Parse(value); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "redacted")
			return u.String()
		}
	}
	return value
}

func resolve(p *types.Project) output {
	out := output{Name: p.Name, Services: map[string]service{}, Volumes: []string{}, Secrets: []string{}}
	for name := range p.Volumes {
		out.Volumes = append(out.Volumes, name)
	}
	for name := range p.Secrets {
		out.Secrets = append(out.Secrets, name)
	}
	sort.Strings(out.Volumes)
	sort.Strings(out.Secrets)
	for name, s := range p.Services {
		svc := service{
			Image: s.Image, ContainerName: s.ContainerName, Hostname: s.Hostname, Command: s.Command,
			Ports: []port{}, Expose: []string{}, Volumes: []volume{}, Tmpfs: []string{},
			Environment: map[string]string{}, DependsOn: []string{}, Secrets: []string{},
			Healthcheck: s.HealthCheck != nil && !s.HealthCheck.Disable,
		}
		for _, p := range s.Ports {
			svc.Ports = append(svc.Ports, port{Target: p.Target, Published: p.Published, HostIP: p.HostIP, Protocol: p.Protocol})
		}
		svc.Expose = append(svc.Expose, s.Expose...)
		for _, v := range s.Volumes {
			svc.Volumes = append(svc.Volumes, volume{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly})
		}
		svc.Tmpfs = append(svc.Tmpfs, s.Tmpfs...)
		for key, value := range s.Environment {
			if value != nil {
				svc.Environment[key] = redact(key, *value)
			}
		}
		for dep := range s.DependsOn {
			svc.DependsOn = append(svc.DependsOn, dep)
		}
		sort.Strings(svc.DependsOn)
		for _, secret := range s.Secrets {
			svc.Secrets = append(svc.Secrets, secret.Source)
		}
		out.Services[name] = svc
	}
	return out
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-validate <compose file>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-validate:", err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose-validate: %s: %v\n", file, err)
		os.Exit(1)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(resolve(project)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
