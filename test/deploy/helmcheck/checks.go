package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// runChecks checks the invariants of one rendered values set.
func runChecks(t *tap, set string, r *rendered, configNames []string, wantReplicas int32) {
	deps := typedAll[*appsv1.Deployment](r, "Deployment")
	if len(deps) != 1 {
		t.notOk(fmt.Sprintf("%s: exactly one Deployment (found %d)", set, len(deps)))
		return
	}
	dep := deps[0]
	pod := dep.Spec.Template
	cms := typedAll[*corev1.ConfigMap](r, "ConfigMap")
	svcs := typedAll[*corev1.Service](r, "Service")
	pdbs := typedAll[*policyv1.PodDisruptionBudget](r, "PodDisruptionBudget")
	hpas := typedAll[*autoscalingv2.HorizontalPodAutoscaler](r, "HorizontalPodAutoscaler")
	ings := typedAll[*networkingv1.Ingress](r, "Ingress")
	env := containerEnv(pod.Spec, cms)

	t.check(set+": probes: readiness GET /readyz, liveness GET /healthz (startup /healthz), on the serving port", probes(pod.Spec))
	grace, problems := shutdown(pod.Spec, env)
	t.check(set+": preStop sleep, then SIGTERM drain within CHATDESK_SHUTDOWN_GRACE, all inside terminationGracePeriodSeconds"+grace, problems)
	t.check(set+": every container has CPU and memory requests", requests(pod.Spec))
	t.check(set+": every image names a version (a tag other than latest, or a digest)", images(pod.Spec))
	t.check(set+": pods run as non-root, no privilege escalation, no service account token", podSecurity(pod.Spec))
	if _, ok := pod.Annotations["checksum/config"]; ok {
		t.ok(set + ": the pod template carries the ConfigMap checksum (config changes roll the pods)")
	} else {
		t.notOk(set + ": the pod template carries the ConfigMap checksum")
	}

	auto := nested[bool](r.values, "autoscaling", "enabled")
	var rp []string
	switch {
	case auto && len(hpas) != 1:
		rp = append(rp, fmt.Sprintf("autoscaling.enabled but %d HorizontalPodAutoscaler(s)", len(hpas)))
	case auto:
		h := hpas[0]
		if h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.ScaleTargetRef.Name != dep.Name {
			rp = append(rp, fmt.Sprintf("the HPA scales %s/%s, not the Deployment %s", h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name, dep.Name))
		}
		if dep.Spec.Replicas != nil {
			rp = append(rp, "with an HPA the Deployment must not set replicas (each upgrade would reset the scale)")
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
			rp = append(rp, "HPA minReplicas below 2: a single node cannot be drained without an outage")
		}
		if len(h.Spec.Metrics) == 0 {
			rp = append(rp, "the HPA has no metric")
		}
	default:
		if len(hpas) != 0 {
			rp = append(rp, "autoscaling disabled but an HPA is rendered")
		}
		want := int32(nested[float64](r.values, "replicaCount"))
		if wantReplicas != 0 {
			want = wantReplicas
		}
		if dep.Spec.Replicas == nil || *dep.Spec.Replicas != want {
			rp = append(rp, fmt.Sprintf("Deployment replicas %v, want %d", ptrString(dep.Spec.Replicas), want))
		}
	}
	scale := "HPA"
	if !auto && dep.Spec.Replicas != nil {
		scale = fmt.Sprintf("%d fixed replicas", *dep.Spec.Replicas)
	} else if len(hpas) == 1 && hpas[0].Spec.MinReplicas != nil {
		scale = fmt.Sprintf("HPA %d–%d", *hpas[0].Spec.MinReplicas, hpas[0].Spec.MaxReplicas)
	}
	t.check(fmt.Sprintf("%s: scaling (%s)", set, scale), rp)

	t.check(set+": a PodDisruptionBudget selects the pods and allows one disruption at a time", pdb(pdbs, pod.Labels))
	t.check(set+": the Service selects the pods, targets a container port, and has no session affinity", services(svcs, pod))
	t.check(set+": Ingresses (ingress-nginx): no affinity cookie or hashing, WebSocket timeouts on /ws, /metrics and /readyz not public, uploads fit", ingresses(ings, svcs, env))
	t.check(set+": no Secret is rendered; JWT secret, MongoDB URI and Redis credentials come from secretKeyRef; no password in any value", secrets(r, env))
	t.check(set+": every CHATDESK_* variable of internal/config reaches the container (env or the ConfigMap), and none unknown", reach(env, configNames, r.values))
	if strings.Contains(r.notes, "kubectl") {
		t.ok(set + ": NOTES.txt renders")
	} else {
		t.notOk(set+": NOTES.txt renders", r.notes)
	}
}

// typedAll returns the typed objects of kind.
func typedAll[T any](r *rendered, kind string) []T {
	var out []T
	for _, o := range r.all(kind) {
		if v, ok := o.typed.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func nested[T any](m map[string]any, path ...string) T {
	var zero T
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return zero
		}
		cur = mm[p]
	}
	v, _ := cur.(T)
	return v
}

func ptrString[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

// envSource is where a container gets one variable.
type envSource struct {
	value     string
	secretRef *corev1.SecretKeySelector
	fieldRef  string
	configMap string // set when it comes from envFrom
}

// containerEnv is the serving container's environment: envFrom ConfigMaps,
// then env (which wins, as in the kubelet).
func containerEnv(spec corev1.PodSpec, cms []*corev1.ConfigMap) map[string]envSource {
	out := map[string]envSource{}
	if len(spec.Containers) == 0 {
		return out
	}
	c := spec.Containers[0]
	for _, ef := range c.EnvFrom {
		if ef.ConfigMapRef == nil {
			continue
		}
		for _, cm := range cms {
			if cm.Name == ef.ConfigMapRef.Name {
				for k, v := range cm.Data {
					out[ef.Prefix+k] = envSource{value: v, configMap: cm.Name}
				}
			}
		}
	}
	for _, e := range c.Env {
		s := envSource{value: e.Value}
		if e.ValueFrom != nil {
			s.secretRef = e.ValueFrom.SecretKeyRef
			if e.ValueFrom.FieldRef != nil {
				s.fieldRef = e.ValueFrom.FieldRef.FieldPath
			}
		}
		out[e.Name] = s
	}
	return out
}

func servingPort(c corev1.Container) (corev1.ContainerPort, bool) {
	for _, p := range c.Ports {
		if p.Name == "http" {
			return p, true
		}
	}
	if len(c.Ports) > 0 {
		return c.Ports[0], true
	}
	return corev1.ContainerPort{}, false
}

func portMatches(p intstr.IntOrString, cp corev1.ContainerPort) bool {
	if p.Type == intstr.String {
		return p.StrVal == cp.Name
	}
	return p.IntVal == cp.ContainerPort
}

func probes(spec corev1.PodSpec) []string {
	var problems []string
	for _, c := range spec.Containers {
		cp, ok := servingPort(c)
		if !ok {
			problems = append(problems, c.Name+": no container port")
			continue
		}
		check := func(kind string, p *corev1.Probe, path string, required bool) {
			switch {
			case p == nil && required:
				problems = append(problems, fmt.Sprintf("%s: no %s probe", c.Name, kind))
			case p == nil:
			case p.HTTPGet == nil:
				problems = append(problems, fmt.Sprintf("%s: %s probe is not an HTTP GET", c.Name, kind))
			case p.HTTPGet.Path != path:
				problems = append(problems, fmt.Sprintf("%s: %s probe GET %s, want %s", c.Name, kind, p.HTTPGet.Path, path))
			case !portMatches(p.HTTPGet.Port, cp):
				problems = append(problems, fmt.Sprintf("%s: %s probe port %s is not the serving port", c.Name, kind, p.HTTPGet.Port.String()))
			}
		}
		check("readiness", c.ReadinessProbe, "/readyz", true)
		check("liveness", c.LivenessProbe, "/healthz", true)
		check("startup", c.StartupProbe, "/healthz", false)
		if c.LivenessProbe != nil && c.LivenessProbe.HTTPGet != nil && c.LivenessProbe.HTTPGet.Path == "/readyz" {
			problems = append(problems, c.Name+": liveness on /readyz would restart every pod when MongoDB or Redis blips")
		}
	}
	return problems
}

// shutdown checks preStop + CHATDESK_SHUTDOWN_GRACE (+5 s of margin) fit in
// terminationGracePeriodSeconds, and returns a description.
func shutdown(spec corev1.PodSpec, env map[string]envSource) (string, []string) {
	var problems []string
	c := spec.Containers[0]
	var sleep int64
	switch {
	case c.Lifecycle == nil || c.Lifecycle.PreStop == nil:
		problems = append(problems, "no preStop hook: the pod gets SIGTERM while ingress-nginx still sends it new sockets")
	case c.Lifecycle.PreStop.Sleep != nil:
		sleep = c.Lifecycle.PreStop.Sleep.Seconds
	case c.Lifecycle.PreStop.Exec != nil:
		problems = append(problems, "preStop exec: the distroless image has no shell or sleep; use the sleep action")
	default:
		problems = append(problems, "preStop is neither a sleep nor an exec")
	}
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && sleep < 3 {
		problems = append(problems, fmt.Sprintf("preStop sleeps %d s: too short for endpoint removal to reach ingress-nginx", sleep))
	}
	graceText := "20s" // config.go's default
	if e, ok := env["CHATDESK_SHUTDOWN_GRACE"]; ok && e.value != "" {
		graceText = e.value
	}
	drain, err := time.ParseDuration(graceText)
	if err != nil {
		problems = append(problems, "CHATDESK_SHUTDOWN_GRACE: "+err.Error())
	}
	if spec.TerminationGracePeriodSeconds == nil {
		problems = append(problems, "terminationGracePeriodSeconds unset (30 s default)")
		return "", problems
	}
	tgps := *spec.TerminationGracePeriodSeconds
	need := sleep + int64(drain.Seconds()) + 5
	if tgps < need {
		problems = append(problems, fmt.Sprintf("terminationGracePeriodSeconds %d < preStop %d s + CHATDESK_SHUTDOWN_GRACE %s + 5 s", tgps, sleep, graceText))
	}
	return fmt.Sprintf(" (preStop %d s, drain %s, grace period %d s)", sleep, graceText, tgps), problems
}

func requests(spec corev1.PodSpec) []string {
	var problems []string
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			q, ok := c.Resources.Requests[r]
			if !ok || q.IsZero() {
				problems = append(problems, fmt.Sprintf("%s: no %s request", c.Name, r))
			}
		}
		if lim, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
			if req := c.Resources.Requests[corev1.ResourceMemory]; lim.Cmp(req) < 0 {
				problems = append(problems, c.Name+": memory limit below its request")
			}
		}
	}
	return problems
}

func images(spec corev1.PodSpec) []string {
	var problems []string
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		ref := c.Image
		if strings.Contains(ref, "@sha256:") {
			continue
		}
		last := ref[strings.LastIndex(ref, "/")+1:]
		_, tag, hasTag := strings.Cut(last, ":")
		switch {
		case !hasTag || tag == "":
			problems = append(problems, c.Name+": image "+ref+" has no tag (means latest)")
		case strings.EqualFold(tag, "latest"):
			problems = append(problems, c.Name+": image "+ref+" is latest")
		}
	}
	return problems
}

func podSecurity(spec corev1.PodSpec) []string {
	var problems []string
	if spec.SecurityContext == nil || spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot {
		problems = append(problems, "pod securityContext.runAsNonRoot is not true")
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		problems = append(problems, "the service account token is mounted (the node never calls the API)")
	}
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			problems = append(problems, c.Name+": allowPrivilegeEscalation is not false")
		}
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			problems = append(problems, c.Name+": root filesystem is writable")
		}
	}
	return problems
}

func pdb(pdbs []*policyv1.PodDisruptionBudget, podLabels map[string]string) []string {
	if len(pdbs) != 1 {
		return []string{fmt.Sprintf("%d PodDisruptionBudget(s), want 1", len(pdbs))}
	}
	p := pdbs[0]
	var problems []string
	sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(podLabels)) {
		problems = append(problems, "its selector does not match the pod labels")
	}
	switch {
	case p.Spec.MaxUnavailable != nil:
		if p.Spec.MaxUnavailable.Type == intstr.Int && p.Spec.MaxUnavailable.IntVal < 1 {
			problems = append(problems, "maxUnavailable 0 blocks every drain")
		}
	case p.Spec.MinAvailable != nil:
	default:
		problems = append(problems, "neither maxUnavailable nor minAvailable")
	}
	return problems
}

func services(svcs []*corev1.Service, pod corev1.PodTemplateSpec) []string {
	if len(svcs) == 0 {
		return []string{"no Service"}
	}
	var problems []string
	c := pod.Spec.Containers[0]
	for _, s := range svcs {
		if s.Spec.SessionAffinity != "" && s.Spec.SessionAffinity != corev1.ServiceAffinityNone {
			problems = append(problems, fmt.Sprintf("%s: sessionAffinity %s", s.Name, s.Spec.SessionAffinity))
		}
		if s.Spec.SessionAffinityConfig != nil {
			problems = append(problems, s.Name+": sessionAffinityConfig set")
		}
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			problems = append(problems, s.Name+": selector does not match the pod labels")
		}
		for _, p := range s.Spec.Ports {
			found := false
			for _, cp := range c.Ports {
				if portMatches(p.TargetPort, cp) {
					found = true
				}
			}
			if !found {
				problems = append(problems, fmt.Sprintf("%s: port %s targets %s, which the container does not expose", s.Name, p.Name, p.TargetPort.String()))
			}
		}
	}
	return problems
}

var stickyAnnotation = regexp.MustCompile(`(?i)(affinity|session-cookie|upstream-hash-by|sticky)`)

func ingresses(ings []*networkingv1.Ingress, svcs []*corev1.Service, env map[string]envSource) []string {
	if len(ings) == 0 {
		return []string{"no Ingress"}
	}
	var problems []string
	svcPorts := map[string]map[string]bool{}
	for _, s := range svcs {
		svcPorts[s.Name] = map[string]bool{}
		for _, p := range s.Spec.Ports {
			svcPorts[s.Name][p.Name] = true
			svcPorts[s.Name][strconv.Itoa(int(p.Port))] = true
		}
	}
	paths := map[string]*networkingv1.Ingress{}
	for _, ing := range ings {
		if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName == "" {
			problems = append(problems, ing.Name+": no ingressClassName")
		}
		for k, v := range ing.Annotations {
			if stickyAnnotation.MatchString(k) {
				problems = append(problems, fmt.Sprintf("%s: annotation %s=%s makes clients sticky", ing.Name, k, v))
			}
			if strings.HasSuffix(k, "/load-balance") && v != "round_robin" && v != "ewma" {
				problems = append(problems, fmt.Sprintf("%s: load-balance %s", ing.Name, v))
			}
		}
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, p := range rule.HTTP.Paths {
				paths[p.Path] = ing
				b := p.Backend.Service
				if b == nil {
					problems = append(problems, fmt.Sprintf("%s %s: backend is not a Service", ing.Name, p.Path))
					continue
				}
				port := b.Port.Name
				if port == "" {
					port = strconv.Itoa(int(b.Port.Number))
				}
				if !svcPorts[b.Name][port] {
					problems = append(problems, fmt.Sprintf("%s %s: backend %s:%s is not a port of a rendered Service", ing.Name, p.Path, b.Name, port))
				}
			}
		}
	}
	const ann = "nginx.ingress.kubernetes.io/"
	if ws, ok := paths["/ws"]; !ok {
		problems = append(problems, "no Ingress path for /ws")
	} else {
		for _, k := range []string{"proxy-read-timeout", "proxy-send-timeout"} {
			// The node pings every 25 s: 60 s at least, or idle sockets drop.
			if n, err := strconv.Atoi(ws.Annotations[ann+k]); err != nil || n < 60 {
				problems = append(problems, fmt.Sprintf("%s: %s %q, want ≥ 60 s for WebSockets", ws.Name, k, ws.Annotations[ann+k]))
			}
		}
	}
	if _, ok := paths["/"]; !ok {
		problems = append(problems, "no Ingress path for /")
	}
	for _, p := range []string{"/metrics", "/readyz"} {
		ing, ok := paths[p]
		if !ok {
			problems = append(problems, p+": no Ingress path of its own, so / serves it publicly")
			continue
		}
		r := ing.Annotations[ann+"whitelist-source-range"] + ing.Annotations[ann+"allowlist-source-range"]
		if r == "" || strings.Contains(r, "0.0.0.0/0") || strings.Contains(r, "::/0") {
			problems = append(problems, fmt.Sprintf("%s (%s): source range %q lets anyone in", p, ing.Name, r))
		}
	}
	maxUpload := int64(10 << 20)
	if e, ok := env["CHATDESK_MAX_UPLOAD_BYTES"]; ok && e.value != "" {
		maxUpload, _ = strconv.ParseInt(e.value, 10, 64)
	}
	if main, ok := paths["/"]; ok {
		body, err := nginxSize(main.Annotations[ann+"proxy-body-size"])
		if err != nil || body < maxUpload+64<<10 {
			problems = append(problems, fmt.Sprintf("%s: proxy-body-size %q below CHATDESK_MAX_UPLOAD_BYTES %d plus multipart framing", main.Name, main.Annotations[ann+"proxy-body-size"], maxUpload))
		}
	}
	sort.Strings(problems)
	return problems
}

// nginxSize reads an nginx size ("11m", "64k", "1048576").
func nginxSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	switch {
	case strings.HasSuffix(strings.ToLower(s), "k"):
		mult, s = 1<<10, s[:len(s)-1]
	case strings.HasSuffix(strings.ToLower(s), "m"):
		mult, s = 1<<20, s[:len(s)-1]
	case strings.HasSuffix(strings.ToLower(s), "g"):
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

var urlPassword = regexp.MustCompile(`://[^/@\s:]*:([^@/\s]+)@`)

func secrets(r *rendered, env map[string]envSource) []string {
	var problems []string
	if n := len(r.all("Secret")); n > 0 {
		problems = append(problems, fmt.Sprintf("%d Secret(s) rendered: secrets come from an existing Secret, never from values", n))
	}
	fromSecret := func(name string) bool { e, ok := env[name]; return ok && e.secretRef != nil }
	for _, n := range []string{"CHATDESK_JWT_SECRET", "CHATDESK_MONGO_URI"} {
		if !fromSecret(n) {
			problems = append(problems, n+" is not read from a Secret")
		}
	}
	if redis, ok := env["CHATDESK_REDIS_URL"]; !ok {
		problems = append(problems, "CHATDESK_REDIS_URL is not set")
	} else if redis.secretRef == nil {
		// Built from redis.address: a password may only come in through
		// $(VAR) from a secretKeyRef.
		if m := urlPassword.FindStringSubmatch(redis.value); m != nil {
			ref := strings.TrimSuffix(strings.TrimPrefix(m[1], "$("), ")")
			if !strings.HasPrefix(m[1], "$(") || !fromSecret(ref) {
				problems = append(problems, "CHATDESK_REDIS_URL carries a password that is not a $(VAR) from a Secret")
			}
		}
	}
	for name, e := range env {
		if e.secretRef != nil {
			continue
		}
		if m := urlPassword.FindStringSubmatch(e.value); m != nil && !strings.HasPrefix(m[1], "$(") {
			problems = append(problems, name+" holds a URL with a password in plain text")
		}
		if strings.Contains(name, "SECRET") || strings.Contains(name, "PASSWORD") {
			problems = append(problems, name+" is a plain value, not a secretKeyRef")
		}
	}
	sort.Strings(problems)
	return problems
}

// reach checks that every config.go variable reaches the container and
// that no unknown CHATDESK_* variable does (a typo would be silently
// ignored by the node), except the Redis placeholders of redis.extraEnv and
// redis.extraSecretEnv.
func reach(env map[string]envSource, names []string, values map[string]any) []string {
	var problems []string
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
		if _, ok := env[n]; !ok {
			problems = append(problems, n+" does not reach the container")
		}
	}
	placeholders := map[string]bool{}
	for _, k := range []string{"extraEnv", "extraSecretEnv"} {
		for n := range nested[map[string]any](values, "redis", k) {
			placeholders[n] = true
		}
	}
	for n, e := range env {
		if strings.HasPrefix(n, "CHATDESK_") && !known[n] && !placeholders[n] {
			where := "env"
			if e.configMap != "" {
				where = "ConfigMap " + e.configMap
			}
			problems = append(problems, fmt.Sprintf("%s (%s) is not read by internal/config", n, where))
		}
	}
	if e := env["CHATDESK_NODE_ID"]; e.fieldRef != "metadata.name" {
		problems = append(problems, "CHATDESK_NODE_ID is not the pod name: two pods could share a presence identity")
	}
	sort.Strings(problems)
	return problems
}
