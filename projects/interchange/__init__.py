"""Projects in and out of Montage: OpenShot project files, archives, EDL, FCP 7 XML, OTIO.

* `osp`: the project as an OpenShot Video Editor project file (`.osp`
  JSON), and such a file read back into a `LoadPlan`.
* `editorial`: the timeline as an OpenTimelineIO timeline, written as a
  CMX 3600 EDL, Final Cut Pro 7 XML or `.otio` JSON by OTIO's adapters;
  `otio_reading`: `.otio` JSON read back into a `LoadPlan`.
* `plan`: what a load will create.
* `archive`: untrusted ZIP archives opened and extracted within limits.
* `loading`: `/load/`, replacing a project's contents from a plan.
* `packaging`: the streamed ZIP downloads.
"""
