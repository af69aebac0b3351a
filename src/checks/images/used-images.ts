import { parseImageReference, type ImageReference } from '../../images/reference.js';
import type { Inventory } from '../../model/inventory.js';
import { describeRef, type PathSegment } from '../../model/resource.js';
import type { ContainerInfo, Workload } from '../../model/workloads.js';

/** One container's image, as the image checks read it. */
export interface UsedImage {
  workload: Workload;
  container: ContainerInfo;
  /** The image as written in the manifest. */
  image: string;
  /** Undefined when the image is not a valid reference. */
  reference?: ImageReference;
  /** Path of the `image` field inside the workload. */
  path: PathSegment[];
  /** Message data shared by the image checks. */
  data: { container: string; workload: string; image: string };
}

const cache = new WeakMap<Inventory, UsedImage[]>();

/** Lists the image of every container, init container and ephemeral container, parsed once per inventory. */
export function usedImages(inventory: Inventory): UsedImage[] {
  const cached = cache.get(inventory);
  if (cached) return cached;

  const images: UsedImage[] = [];
  for (const workload of inventory.workloads) {
    for (const container of workload.containers) {
      // The API server rejects a container without an image, so there is nothing to judge.
      if (container.image === '') continue;
      const used: UsedImage = {
        workload,
        container,
        image: container.image,
        path: [...container.path, 'image'],
        data: { container: describeContainer(container), workload: describeRef(workload), image: container.image },
      };
      const reference = parseImageReference(container.image);
      if (reference) used.reference = reference;
      images.push(used);
    }
  }
  cache.set(inventory, images);
  return images;
}

/** `container app`, `init container setup` or `ephemeral container debugger`. */
export function describeContainer(container: ContainerInfo): string {
  if (container.group === 'initContainers') return `init container ${container.name}`;
  if (container.group === 'ephemeralContainers') return `ephemeral container ${container.name}`;
  return `container ${container.name}`;
}
