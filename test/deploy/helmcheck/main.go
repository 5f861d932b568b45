// Command helmcheck renders the chatdesk Helm chart with Helm's own template
// engine (helm.sh/helm/v4/pkg/engine, what `helm template` runs) for the
// default values and for every ci/*-values.yaml, decodes every rendered
// object strictly into the Kubernetes API types, runs Helm's linter, and
// checks the invariants chatdesk relies on (see checks.go). No cluster and
// no helm binary are needed.
//
// It prints one "ok - ..." or "not ok - ..." line per check, the format
// test/deploy/run.sh collects, and exits 1 when a check fails.
//
//	cd test/deploy/helmcheck && go run . -chart ../../../deploy/helm/chatdesk \
//	    -config ../../../internal/config/config.go [-out DIR]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// minKube is the oldest Kubernetes the chart supports (Chart.yaml
// kubeVersion): rendering and linting use it.
const minKube = "v1.30.0"

// expectedReplicas pins what a named values set must give.
var expectedReplicas = map[string]int32{"redis-cluster-5-replicas": 5}

func main() {
	chartDir := flag.String("chart", "../../../deploy/helm/chatdesk", "chart directory")
	configGo := flag.String("config", "../../../internal/config/config.go", "internal/config/config.go, for the CHATDESK_* names")
	out := flag.String("out", "", "also write each values set's rendered manifests to DIR/<set>.yaml")
	flag.Parse()

	t := &tap{}
	defer func() {
		if t.failed > 0 {
			os.Exit(1)
		}
	}()

	ch, err := loader.LoadDir(*chartDir)
	if err != nil {
		t.notOk("helm: chart loads", err.Error())
		return
	}
	t.ok(fmt.Sprintf("helm: chart %s %s loads (appVersion %s)", ch.Metadata.Name, ch.Metadata.Version, ch.Metadata.AppVersion))

	kube, err := common.ParseKubeVersion(minKube)
	if err != nil {
		t.notOk("helm: kube version", err.Error())
		return
	}
	t.expect(chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, kube.String()),
		fmt.Sprintf("helm: Chart.yaml kubeVersion %q accepts Kubernetes %s (preStop sleep action)", ch.Metadata.KubeVersion, minKube))

	names, err := configNames(*configGo)
	if err != nil {
		t.notOk("config: reading CHATDESK_* names from config.go", err.Error())
		return
	}
	t.check(fmt.Sprintf("config: every one of the %d CHATDESK_* variables of config.go has a key in values.yaml config or is set by the chart", len(names)),
		valuesCoverConfig(ch.Values, names))

	sets := []valueSet{{name: "default"}}
	ciFiles, _ := filepath.Glob(filepath.Join(*chartDir, "ci", "*-values.yaml"))
	sort.Strings(ciFiles)
	for _, f := range ciFiles {
		sets = append(sets, valueSet{name: strings.TrimSuffix(filepath.Base(f), "-values.yaml"), file: f})
	}
	if len(ciFiles) == 0 {
		t.notOk("helm: ci/*-values.yaml found", "no values files besides the defaults")
	}

	for _, set := range sets {
		user, err := set.userValues()
		if err != nil {
			t.notOk(set.name+": values file reads", err.Error())
			continue
		}
		r, err := render(ch, user, kube)
		if err != nil {
			t.notOk(set.name+": chart renders", err.Error())
			continue
		}
		t.ok(fmt.Sprintf("%s: chart renders (%d objects: %s)", set.name, len(r.objects), r.kinds()))
		if *out != "" {
			if err := r.write(filepath.Join(*out, set.name+".yaml")); err != nil {
				t.notOk(set.name+": writing the manifests", err.Error())
			}
		}
		t.check(set.name+": every object decodes strictly into its Kubernetes API type (no unknown or duplicate field)", r.decodeErrors)
		lintSet(t, set.name, *chartDir, user, kube)
		runChecks(t, set.name, r, names, expectedReplicas[set.name])
	}

	// Values the chart must refuse.
	for _, bad := range refusals {
		_, err := render(ch, bad.values, kube)
		if err == nil {
			t.notOk("refuses "+bad.what, "rendered without error")
			continue
		}
		why := ""
		for _, l := range strings.Split(err.Error(), "\n") {
			// Helm's schema errors name the wrong location for
			// propertyNames failures: show from the expected part on.
			if i := strings.Index(l, bad.want); i >= 0 {
				why = strings.TrimSpace(l[i:])
				break
			}
		}
		if why == "" {
			t.notOk("refuses "+bad.what, "refused, but not for that reason:", err.Error())
			continue
		}
		if len(why) > 120 {
			why = why[:120] + "…"
		}
		t.ok(fmt.Sprintf("refuses %s (%s)", bad.what, why))
	}
}

// lintSet runs Helm's linter (`helm lint` with these values): errors fail,
// warnings are shown.
func lintSet(t *tap, set, chartDir string, user map[string]any, kube *common.KubeVersion) {
	res := lint.RunAll(chartDir, user, "chat", lint.WithKubeVersion(kube))
	var errs, warns []string
	for _, m := range res.Messages {
		switch {
		case m.Severity >= support.ErrorSev:
			errs = append(errs, m.Error())
		case m.Severity == support.WarningSev:
			warns = append(warns, m.Error())
		}
	}
	for _, w := range warns {
		fmt.Println("# helm lint " + set + ": " + w)
	}
	t.check(fmt.Sprintf("%s: helm lint has no error (%d warning(s))", set, len(warns)), errs)
}

// tap prints TAP-like lines.
type tap struct{ failed int }

func (t *tap) ok(name string) { fmt.Println("ok - " + name) }

func (t *tap) notOk(name string, details ...string) {
	t.failed++
	fmt.Println("not ok - " + name)
	for _, d := range details {
		for _, l := range strings.Split(strings.TrimRight(d, "\n"), "\n") {
			fmt.Println("    " + l)
		}
	}
}

func (t *tap) expect(cond bool, name string) {
	if cond {
		t.ok(name)
	} else {
		t.notOk(name)
	}
}

// check passes when problems is empty.
func (t *tap) check(name string, problems []string) {
	if len(problems) == 0 {
		t.ok(name)
		return
	}
	t.notOk(name, problems...)
}
