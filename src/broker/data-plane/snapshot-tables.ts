import type { GroupView, TopicTables, TopicView } from './ports.js';

/**
 * The data plane's view of the topic and subscription-group tables: the latest snapshots the
 * control plane pushed (structured-cloneable `{ topics: {...} }` / `{ groups: {...} }`). Replaced
 * wholesale on every change, read on every send and pull.
 */
export interface TopicsSnapshotLike {
  readonly topics: Readonly<Record<string, TopicView>>;
}

export interface GroupsSnapshotLike {
  readonly groups: Readonly<Record<string, GroupView>>;
}

export class SnapshotTables implements TopicTables {
  private topics = new Map<string, TopicView>();
  private groups = new Map<string, GroupView>();

  constructor(topics?: TopicsSnapshotLike, groups?: GroupsSnapshotLike) {
    if (topics !== undefined) this.updateTopics(topics);
    if (groups !== undefined) this.updateGroups(groups);
  }

  topic(name: string): TopicView | undefined {
    return this.topics.get(name);
  }

  group(name: string): GroupView | undefined {
    return this.groups.get(name);
  }

  updateTopics(snapshot: TopicsSnapshotLike): void {
    this.topics = new Map(Object.entries(snapshot.topics));
  }

  updateGroups(snapshot: GroupsSnapshotLike): void {
    this.groups = new Map(Object.entries(snapshot.groups));
  }

  /** A topic just created through the control plane, visible before the next snapshot arrives. */
  putTopic(name: string, view: TopicView): void {
    this.topics.set(name, view);
  }
}
