// vcsim for vscsi's tests: govmomi's vSphere simulator (Debian's
// golang-github-vmware-govmomi-dev ships the package but no main) with
// per-VM, per-virtual-disk performance series injected from a JSON file, so a
// client's figures can be checked against exactly the values put in.
//
//	vcsim -l 127.0.0.1:PORT [-esx] [-vm N] [-host N] [-username U -password P]
//	      [-tls=false] [-cert PEM -key PEM] [-metrics FILE] [-ready FILE]
//	      [-page N] [-move VM=HOST]
//
// FILE: {"VM name": {"scsi0:0": {"virtualDisk.numberReadAveraged": [oldest ... newest]}}}
// A VM named there answers QueryPerf from it alone: its series in that order,
// sampleInfo 20 s apart ending now, at most maxSample values (none without
// maxSample, as the real simulator), no noise. Other VMs keep the stock data.
//
// -page N: RetrievePropertiesEx returns at most min(maxObjects, N) objects and
// a token for ContinueRetrievePropertiesEx (the stock simulator ignores
// maxObjects). -move VM=HOST: on SIGUSR1 the VM moves to that host, as a
// vMotion does (runtime.host changes; its performance series stay the VM's).
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type series map[string]map[string]map[string][]int64 // vm -> instance -> counter -> values

// perfManager answers QueryPerf for the VMs with injected series and passes
// every other call (and every other VM) to the simulator's own.
type perfManager struct {
	*simulator.PerformanceManager
	injected series
	names    map[int32]string // counter key -> "group.name"
}

// Get lets the property collector see the simulator's own object (its
// reflection wants the mo type as a struct's first field, not a pointer):
// without it a RetrievePropertiesEx of perfCounter panics the handler.
func (p *perfManager) Get() mo.Reference { return p.PerformanceManager }

func (p *perfManager) QueryPerf(ctx *simulator.Context, req *types.QueryPerf) soap.HasFault {
	body := new(methods.QueryPerfBody)
	body.Req = req
	body.Res = new(types.QueryPerfResponse)
	for _, qs := range req.QuerySpec {
		vm, _ := simulator.Map.Get(qs.Entity).(*simulator.VirtualMachine)
		var disks map[string]map[string][]int64
		if vm != nil {
			disks = p.injected[vm.Name]
		}
		if disks == nil {
			one := *req
			one.QuerySpec = []types.PerfQuerySpec{qs}
			res := p.PerformanceManager.QueryPerf(ctx, &one).(*methods.QueryPerfBody)
			if res.Fault_ != nil {
				return res
			}
			body.Res.Returnval = append(body.Res.Returnval, res.Res.Returnval...)
			continue
		}
		m := &types.PerfEntityMetric{}
		m.Entity = qs.Entity
		n := int(qs.MaxSample)
		longest := 0
		for _, mid := range qs.MetricId {
			for inst, counters := range disks {
				if mid.Instance != "*" && mid.Instance != inst {
					continue
				}
				if v := counters[p.names[mid.CounterId]]; len(v) > longest {
					longest = len(v)
				}
			}
		}
		if n > longest {
			n = longest
		}
		end := time.Now().UTC().Truncate(20 * time.Second)
		for k := 0; k < n; k++ {
			m.SampleInfo = append(m.SampleInfo, types.PerfSampleInfo{
				Timestamp: end.Add(time.Duration(k-n+1) * 20 * time.Second), Interval: 20})
		}
		for _, mid := range qs.MetricId {
			for inst, counters := range disks {
				if mid.Instance != "*" && mid.Instance != inst {
					continue
				}
				v, ok := counters[p.names[mid.CounterId]]
				if !ok || n == 0 {
					continue
				}
				if len(v) > n {
					v = v[len(v)-n:]
				}
				s := &types.PerfMetricIntSeries{Value: v}
				s.Id = types.PerfMetricId{CounterId: mid.CounterId, Instance: inst}
				m.Value = append(m.Value, s)
			}
		}
		body.Res.Returnval = append(body.Res.Returnval, m)
	}
	return body
}

// pagingCollector pages RetrievePropertiesEx. The simulator makes one per
// session from the zero value of this type (reflect.New), so it embeds the
// stock collector by value and keeps its pages in a package-level table.
type pagingCollector struct {
	simulator.PropertyCollector
}

var (
	pageSize  int
	pagesMu   sync.Mutex
	pages     = map[string][]types.ObjectContent{}
	pageCount int
)

func page(objects []types.ObjectContent, max int) types.RetrieveResult {
	if pageSize > 0 && (max <= 0 || max > pageSize) {
		max = pageSize
	}
	if max <= 0 || len(objects) <= max {
		return types.RetrieveResult{Objects: objects}
	}
	pagesMu.Lock()
	defer pagesMu.Unlock()
	pageCount++
	token := fmt.Sprintf("page-%d", pageCount)
	pages[token] = objects[max:]
	return types.RetrieveResult{Objects: objects[:max], Token: token}
}

func (pc *pagingCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	body := pc.PropertyCollector.RetrievePropertiesEx(ctx, r).(*methods.RetrievePropertiesExBody)
	if body.Res == nil || body.Res.Returnval == nil {
		return body
	}
	res := page(body.Res.Returnval.Objects, int(r.Options.MaxObjects))
	body.Res.Returnval = &res
	return body
}

func (pc *pagingCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pagesMu.Lock()
	rest, ok := pages[r.Token]
	delete(pages, r.Token)
	pagesMu.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("unknown token "+r.Token, &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: page(rest, 0)}
	return body
}

// moveVM moves the named VM to the named host as a vMotion would.
func moveVM(spec string) {
	parts := strings.SplitN(spec, "=", 2)
	if len(parts) != 2 {
		log.Printf("-move %s: want VM=HOST", spec)
		return
	}
	var vm *simulator.VirtualMachine
	var host *simulator.HostSystem
	for _, o := range simulator.Map.All("VirtualMachine") {
		if v := o.(*simulator.VirtualMachine); v.Name == parts[0] {
			vm = v
		}
	}
	for _, o := range simulator.Map.All("HostSystem") {
		if h := o.(*simulator.HostSystem); h.Name == parts[1] {
			host = h
		}
	}
	if vm == nil || host == nil {
		log.Printf("-move %s: no such VM or host", spec)
		return
	}
	// As the simulator's own handlers run: holding the VM's lock.
	simulator.Map.WithLock(vm, func() {
		old := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem)
		simulator.Map.RemoveReference(old, &old.Vm, vm.Self)
		simulator.Map.AddReference(host, &host.Vm, vm.Self)
		ref := host.Self
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "runtime.host", Val: ref},
			{Name: "summary.runtime.host", Val: ref},
		})
		log.Printf("moved %s from %s to %s", vm.Name, old.Name, host.Name)
	})
}

func main() {
	listen := flag.String("l", "127.0.0.1:8989", "address to listen on")
	esx := flag.Bool("esx", false, "a standalone ESXi host instead of a vCenter")
	vms := flag.Int("vm", 2, "VMs per host (vCenter mode)")
	hosts := flag.Int("host", 3, "hosts per cluster (vCenter mode)")
	username := flag.String("username", "", "the only user accepted (any when empty)")
	password := flag.String("password", "", "its password")
	useTLS := flag.Bool("tls", true, "serve HTTPS (a self-signed certificate)")
	metrics := flag.String("metrics", "", "JSON file of injected virtualDisk series")
	ready := flag.String("ready", "", "file to write the server's URL to once it listens")
	certFile := flag.String("cert", "", "PEM certificate to serve (default: Go's built-in test certificate)")
	keyFile := flag.String("key", "", "its PEM private key")
	flag.IntVar(&pageSize, "page", 0, "at most this many objects per RetrievePropertiesEx page (0: as asked)")
	move := flag.String("move", "", "VM=HOST: move that VM to that host on SIGUSR1")
	dnsNames := flag.Bool("dns-names", false, "host names as DNS has them: '-' for the simulator's '_' (DC0-H0)")
	flag.Parse()

	model := simulator.VPX()
	if *esx {
		model = simulator.ESX()
	} else {
		model.Machine = *vms
		model.ClusterHost = *hosts
	}
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	if *metrics != "" {
		raw, err := os.ReadFile(*metrics)
		if err != nil {
			log.Fatal(err)
		}
		var inj series
		if err := json.Unmarshal(raw, &inj); err != nil {
			log.Fatalf("%s: %v", *metrics, err)
		}
		ref := simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: "PerfMgr"})
		if *esx {
			ref = simulator.Map.Get(types.ManagedObjectReference{Type: "PerformanceManager", Value: "ha-perfmgr"})
		}
		stock := ref.(*simulator.PerformanceManager)
		pm := &perfManager{PerformanceManager: stock, injected: inj, names: map[int32]string{}}
		for _, c := range stock.PerfCounter {
			pm.names[c.Key] = c.GroupInfo.GetElementDescription().Key + "." + c.NameInfo.GetElementDescription().Key
		}
		simulator.Map.Put(pm)
	}
	model.Service.Listen = &url.URL{Host: *listen}
	if *username != "" {
		model.Service.Listen.User = url.UserPassword(*username, *password)
	}
	if *dnsNames {
		for _, o := range simulator.Map.All("HostSystem") {
			h := o.(*simulator.HostSystem)
			h.Name = strings.ReplaceAll(h.Name, "_", "-")
			h.Summary.Config.Name = h.Name
		}
	}
	pcRef := simulator.Map.Get(model.ServiceContent.PropertyCollector).Reference()
	collector := &pagingCollector{}
	collector.Self = pcRef
	simulator.Map.Put(collector)
	if *useTLS {
		model.Service.TLS = new(tls.Config)
		if *certFile != "" {
			cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
			if err != nil {
				log.Fatal(err)
			}
			model.Service.TLS.Certificates = []tls.Certificate{cert}
		}
	}
	s := model.Service.NewServer()
	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(s.URL.String()+"\n"), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(s.URL.String())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1)
	for s := range sig {
		if s != syscall.SIGUSR1 {
			break
		}
		if *move != "" {
			moveVM(*move)
		}
	}
	s.Close()
	model.Remove()
}
