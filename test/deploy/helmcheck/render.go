package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/engine"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

// valueSet is one way of installing the chart: its defaults, or its
// defaults plus one values file.
type valueSet struct {
	name string
	file string
}

func (s valueSet) userValues() (map[string]any, error) {
	if s.file == "" {
		return map[string]any{}, nil
	}
	v, err := common.ReadValuesFile(s.file)
	return v, err
}

// object is one rendered Kubernetes object.
type object struct {
	source string         // template path
	raw    map[string]any // as rendered
	typed  runtime.Object // nil for kinds outside client-go's scheme (CRDs)
}

func (o object) kind() string {
	k, _ := o.raw["kind"].(string)
	return k
}

func (o object) name() string {
	md, _ := o.raw["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	return n
}

// rendered is the chart rendered for one values set.
type rendered struct {
	values       map[string]any // .Values as the templates saw them
	objects      []object
	notes        string
	decodeErrors []string
}

func (r *rendered) kinds() string {
	n := map[string]int{}
	for _, o := range r.objects {
		n[o.kind()]++
	}
	var ks []string
	for k, c := range n {
		if c > 1 {
			k = fmt.Sprintf("%d %s", c, k)
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// all returns the objects of kind.
func (r *rendered) all(kind string) []object {
	var out []object
	for _, o := range r.objects {
		if o.kind() == kind {
			out = append(out, o)
		}
	}
	return out
}

func (r *rendered) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	for _, o := range r.objects {
		y, err := yaml.Marshal(o.raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "---\n# Source: %s\n%s", o.source, y)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// render does what `helm template chatdesk CHART -n chat -f FILE
// --kube-version minKube` does up to the manifests: coalesce the values,
// validate them against values.schema.json, render every template.
func render(ch *chart.Chart, user map[string]any, kube *common.KubeVersion) (*rendered, error) {
	caps := *common.DefaultCapabilities
	caps.KubeVersion = *kube
	top, err := util.ToRenderValuesWithSchemaValidation(ch, user,
		common.ReleaseOptions{Name: "chatdesk", Namespace: "chat", Revision: 1, IsInstall: true}, &caps, false)
	if err != nil {
		return nil, err
	}
	files, err := engine.Engine{Strict: true}.RenderWithContext(context.Background(), ch, top)
	if err != nil {
		return nil, err
	}
	r := &rendered{}
	if v, ok := top["Values"].(common.Values); ok {
		r.values = v
	}
	dec := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if strings.HasSuffix(p, "NOTES.txt") {
			r.notes = files[p]
			continue
		}
		docs, err := splitYAML(files[p])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for _, d := range docs {
			var raw map[string]any
			if err := yaml.UnmarshalStrict([]byte(d), &raw); err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			if raw == nil {
				continue
			}
			o := object{source: p, raw: raw}
			if av, _ := raw["apiVersion"].(string); strings.HasPrefix(av, "monitoring.coreos.com/") {
				// The Prometheus Operator's CRDs are not in client-go's scheme.
				r.objects = append(r.objects, o)
				continue
			}
			typed, _, err := dec.Decode([]byte(d), nil, nil)
			if err != nil {
				r.decodeErrors = append(r.decodeErrors, fmt.Sprintf("%s %s/%s: %v", p, o.kind(), o.name(), err))
			}
			o.typed = typed
			r.objects = append(r.objects, o)
		}
	}
	return r, nil
}

func splitYAML(s string) ([]string, error) {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(s)))
	var out []string
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(stripComments(string(doc))) != "" {
			out = append(out, string(doc))
		}
	}
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// refusals are values the chart (template or schema) must refuse; want is
// a piece of the error that shows it refused them for that reason.
var refusals = []struct {
	what, want string
	values     map[string]any
}{
	{"image.tag=latest", "/image/tag", map[string]any{"image": map[string]any{"tag": "latest"}}},
	{"a secret in config (CHATDESK_JWT_SECRET)", "invalid propertyName 'CHATDESK_JWT_SECRET'", map[string]any{"config": map[string]any{"CHATDESK_JWT_SECRET": strings.Repeat("x", 40)}}},
	{"the MongoDB URI in config (CHATDESK_MONGO_URI)", "invalid propertyName 'CHATDESK_MONGO_URI'", map[string]any{"config": map[string]any{"CHATDESK_MONGO_URI": "mongodb://u:p@mongo:27017"}}},
	{"a config key that is not a CHATDESK_ variable", "invalid propertyName 'REDIS_HOST'", map[string]any{"config": map[string]any{"REDIS_HOST": "redis"}}},
	{"an affinity cookie annotation on the Ingress", "invalid propertyName 'nginx.ingress.kubernetes.io/affinity'", map[string]any{"ingress": map[string]any{"annotations": map[string]any{"nginx.ingress.kubernetes.io/affinity": "cookie"}}}},
	{"an upstream-hash-by annotation on the Ingress", "invalid propertyName 'nginx.ingress.kubernetes.io/upstream-hash-by'", map[string]any{"ingress": map[string]any{"annotations": map[string]any{"nginx.ingress.kubernetes.io/upstream-hash-by": "$remote_addr"}}}},
	{"terminationGracePeriodSeconds not above preStopSleepSeconds", "terminationGracePeriodSeconds must exceed", map[string]any{"terminationGracePeriodSeconds": 10, "preStopSleepSeconds": 10}},
	{"no Redis URL key and no redis.address", "set secret.keys.redisUrl", map[string]any{"secret": map[string]any{"keys": map[string]any{"redisUrl": ""}}}},
	{"a container without resource requests", "/resources", map[string]any{"resources": map[string]any{"requests": nil}}},
	{"an unknown Redis topology", "/redis/topology", map[string]any{"redis": map[string]any{"topology": "ring"}}},
	{"an HPA without a metric", "autoscaling needs", map[string]any{"autoscaling": map[string]any{"targetCPUUtilizationPercentage": 0}}},
}

// chartOwned are the CHATDESK_* variables the chart sets itself (pod name,
// port, the Redis topology from redis.*) or from the Secret;
// values.schema.json refuses them in config.
var chartOwned = []string{"CHATDESK_NODE_ID", "CHATDESK_ADDR", "CHATDESK_JWT_SECRET", "CHATDESK_MONGO_URI",
	"CHATDESK_REDIS_MODE", "CHATDESK_REDIS_URL", "CHATDESK_REDIS_USERNAME", "CHATDESK_REDIS_PASSWORD", "CHATDESK_REDIS_SENTINEL_PASSWORD", "CHATDESK_SMTP_PASSWORD"}

var configNameRE = regexp.MustCompile(`"(CHATDESK_[A-Z0-9_]+)"`)

// configNames lists the CHATDESK_* names quoted in config.go (the Vars
// table and FromEnv).
func configNames(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range configNameRE.FindAllStringSubmatch(string(src), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	if len(out) < 10 {
		return nil, fmt.Errorf("only %d names found: has config.go changed shape?", len(out))
	}
	sort.Strings(out)
	return out, nil
}

// valuesCoverConfig checks values.yaml's config map against config.go:
// each variable has a key there or is chart-owned, and each key is a
// variable config.go reads.
func valuesCoverConfig(defaults map[string]any, names []string) []string {
	cfg, _ := defaults["config"].(map[string]any)
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	owned := map[string]bool{}
	for _, n := range chartOwned {
		owned[n] = true
	}
	var problems []string
	for _, n := range names {
		_, inValues := cfg[n]
		switch {
		case owned[n] && inValues:
			problems = append(problems, n+" is set by the chart: remove it from values.yaml config")
		case !owned[n] && !inValues:
			problems = append(problems, n+" (read by internal/config) has no key in values.yaml config: add it with its default")
		}
	}
	for k := range cfg {
		if !known[k] {
			problems = append(problems, k+" in values.yaml config is not read by internal/config")
		}
	}
	for _, n := range chartOwned {
		if !known[n] {
			problems = append(problems, n+" is set by the chart but config.go no longer reads it")
		}
	}
	sort.Strings(problems)
	return problems
}
