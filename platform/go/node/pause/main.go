// Command pause is the pod sandbox's process: it holds the pod's namespaces, reaps the zombies
// it inherits, and exits on SIGINT or SIGTERM. Kubernetes' own pause is C; this one builds with
// the rest of the node from the Go module proxy, since no image can be pulled here.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
